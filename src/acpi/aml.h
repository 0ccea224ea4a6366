#pragma once

#include "base/types.h"

#include <span>
#include <string_view>
#include <vector>

// A small builder for ACPI Machine Language (ACPI 6.x, chapter 20): each
// function returns the encoded bytes of one term, and the terms that hold
// others (Scope, Device, Method, If, Package, ...) take their contents as a
// list and add the PkgLength themselves. Names and values are checked with
// assertions: the tables are generated from code, not from guest input, so a
// bad name is a programming error.
namespace kite::acpi::aml {

using Term = std::vector<u8>;
using TermList = std::vector<Term>;

// The PkgLength of a package whose contents after the PkgLength are
// `payload` bytes: the encoded length counts its own 1-4 bytes too.
Term pkg_length(std::size_t payload);
// The same 1-4 byte encoding of a plain value, as a field's bit length uses it.
Term encoded_length(std::size_t value);

// NameString: "\_SB.PCI0" (root), "^^FOO" (parents), "_S5", "S08" (short
// segments are padded with '_'), or "" (the null name).
Term name_string(std::string_view path);

// Integers: zero(), one(), ones() are the one-byte constants; integer() picks
// the shortest encoding; the fixed-size forms keep their width.
Term zero();
Term one();
Term ones();
Term integer(u64 value);
Term byte_const(u8 value);
Term word_const(u16 value);
Term dword_const(u32 value);
Term qword_const(u64 value);
// A seven-character EISA ID such as "PNP0A08", as the DWord the ASL EISAID() macro makes.
Term eisa_id(std::string_view id);
// A NUL-terminated ASCII string (no NULs inside).
Term string(std::string_view text);
Term buffer(std::span<const u8> bytes);
// A Package (at most 255 elements) of integers, strings, buffers, packages or names.
Term package(const TermList& elements);

// Named objects and namespace modifiers.
Term name(std::string_view path, const Term& value);
Term scope(std::string_view path, const TermList& body);
Term device(std::string_view path, const TermList& body);
Term method(std::string_view path, u8 arg_count, bool serialized, const TermList& body);

// Method locals and arguments, usable as operands and targets.
Term local(u8 index); // Local0-Local7
Term arg(u8 index);   // Arg0-Arg6

// Statements and expressions. A `target` of {} (or null_target()) discards the result.
Term null_target();
Term return_(const Term& value);
Term if_(const Term& predicate, const TermList& body);
Term else_(const TermList& body);
Term store(const Term& value, const Term& target);
Term and_(const Term& a, const Term& b, const Term& target);
Term or_(const Term& a, const Term& b, const Term& target);
Term shift_left(const Term& value, const Term& count, const Term& target);
Term lequal(const Term& a, const Term& b);
Term lnot(const Term& a);
// CreateDWordField(buffer, byte_index, name)
Term create_dword_field(const Term& source, const Term& byte_index, std::string_view name);
// The 16-byte buffer ToUUID("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx") makes.
Term uuid(std::string_view text);

// OperationRegion and Field.
enum class RegionSpace : u8 { SystemMemory = 0, SystemIo = 1, PciConfig = 2 };
enum class FieldAccess : u8 { Any = 0, Byte = 1, Word = 2, DWord = 3, QWord = 4, Buffer = 5 };
enum class FieldUpdate : u8 { Preserve = 0, WriteAsOnes = 1, WriteAsZeros = 2 };
Term operation_region(std::string_view path, RegionSpace space, const Term& offset, const Term& length);
// One entry of a field list: a named field of `bits` bits, or reserved bits when `name` is empty.
struct FieldUnit {
    std::string_view name;
    u32 bits;
};
Term field(std::string_view region, FieldAccess access, bool lock, FieldUpdate update,
           const std::vector<FieldUnit>& units);

// Resource descriptors (ACPI 6.x, 6.4) for ResourceTemplate().
namespace res {
// IO(Decode16, min, max, alignment, length): a 16-bit-decoded port range consumer.
Term io(u16 min, u16 max, u8 alignment, u8 length);
// IRQNoFlags() {irq}: edge-triggered, active-high, exclusive.
Term irq_no_flags(u8 irq);
// Interrupt(ResourceConsumer, Level|Edge, ActiveHigh|ActiveLow, Exclusive|Shared) {gsi}
Term interrupt(u32 gsi, bool level, bool active_low, bool shared);
// Address space descriptors of a producer (a bridge's window), fixed min and max,
// positive decode, no translation: [min, min + length).
Term word_bus_number(u16 min, u16 max);
Term word_io(u16 min, u16 max);
Term dword_memory(u32 min, u32 max, bool cacheable);
Term qword_memory(u64 min, u64 max, bool cacheable);
// Memory32Fixed(ReadWrite, base, length): a consumer range (motherboard resources).
Term memory32_fixed(u32 base, u32 length);
} // namespace res

// ResourceTemplate() { descriptors }: a Buffer ending in an EndTag whose
// checksum byte makes the template's bytes sum to zero.
Term resource_template(const TermList& descriptors);

// Concatenates terms (a TermList as one byte string).
Term concat(const TermList& terms);

} // namespace kite::acpi::aml
