#pragma once

#include "acpi/aml.h"
#include "acpi/tables.h"

namespace kite::acpi {

// The DSDT's AML (everything after the table header): the processors, the
// PCI host bridge with its windows and interrupt routing, the motherboard
// resources, the ISA devices and \_S5.
aml::Term dsdt_aml(const PlatformDescription& description);

} // namespace kite::acpi
