#include "cli/run_options.h"

#include "base/size.h"
#include "cli/arch_detect.h"
#include "cli/device_conflicts.h"
#include "cli/device_options.h"

namespace kite::cli {

Result<std::string> resolve_arch(const RunOptions& o) {
    if (o.arch == "x86_64" || o.arch == "riscv64")
        return o.arch;
    if (o.arch != "auto")
        return error("--arch '{}': expected x86_64, riscv64 or auto", o.arch);
    if (!o.kernel)
        return std::string("riscv64");
    if (auto detected = detect_kernel_arch(*o.kernel))
        return *detected;
    // Unknown or unreadable: the x86 loader gives the precise error.
    return std::string("x86_64");
}

namespace {

// The host end of a character device: `file=PATH`, `none`, and `stdio` where allowed.
Result<machine::SerialConfig> parse_host_end(const char* option, const std::string& text, bool allow_stdio) {
    if (allow_stdio && text == "stdio")
        return machine::SerialConfig{machine::SerialMode::Stdio, {}};
    if (text == "none")
        return machine::SerialConfig{machine::SerialMode::None, {}};
    if (text.starts_with("file=") && text.size() > 5)
        return machine::SerialConfig{machine::SerialMode::File, text.substr(5)};
    return error("{} '{}': expected {}file=PATH or none", option, text, allow_stdio ? "stdio, " : "");
}

} // namespace

Result<machine::SerialConfig> parse_serial(const std::string& text) {
    return parse_host_end("--serial", text, true);
}

Result<machine::SerialConfig> parse_parallel(const std::string& text) {
    return parse_host_end("--parallel", text, false);
}

namespace {

// Guest RAM is mapped in whole 4 KiB pages: another size is a usage error
// here rather than a failure of the accelerator later.
Result<u64> parse_memory(const std::string& text) {
    u64 bytes = TRY_CONTEXT(parse_size(text), "--memory");
    constexpr u64 kPage = 4 * KiB;
    if (bytes % kPage != 0)
        return error("--memory '{}': must be a whole number of 4 KiB pages", text);
    return bytes;
}

// --disk, --net and --console into a board configuration, with the board's
// default transport for those that name none.
template <typename Config>
Result<void> parse_virtio_devices(const RunOptions& o, machine::VirtioTransport transport, Config& config) {
    for (const auto& text : o.disks)
        config.disks.push_back(TRY(parse_disk(text, transport)));
    for (const auto& text : o.nets)
        config.nets.push_back(TRY(parse_net(text, transport)));
    if (o.console)
        config.console = TRY(parse_console(*o.console, transport));
    if (config.console.host.mode == machine::SerialMode::Stdio && config.serial.mode == machine::SerialMode::Stdio)
        return error("--console stdio: the serial port already uses stdio (add --serial none or file=PATH)");
    return check_device_conflicts(config.disks, config.nets);
}

// The pc board has virtio over PCI only.
Result<void> reject_virtio_mmio(const machine::PcConfig& config) {
    constexpr auto kMmio = machine::VirtioTransport::Mmio;
    constexpr std::string_view kWhy =
        "transport=mmio: the x86_64 pc board has virtio over PCI only (use transport=pci)";
    for (const auto& disk : config.disks)
        if (disk.transport == kMmio)
            return error("--disk '{}': {}", disk.path, kWhy);
    for (const auto& nic : config.nets)
        if (nic.transport == kMmio)
            return error("--net: {}", kWhy);
    if (config.console.host.mode != machine::SerialMode::None && config.console.transport == kMmio)
        return error("--console: {}", kWhy);
    return {};
}

} // namespace

Result<machine::PcConfig> to_pc_config(const RunOptions& o, const DefaultGuest& defaults) {
    if (o.accel == "tcg")
        return error("--accel tcg: not supported yet for x86_64 (use kvm)");
    if (o.accel != "kvm" && o.accel != "auto")
        return error("--accel '{}': expected kvm, tcg or auto", o.accel);
    if (o.firmware && *o.firmware != "none")
        return error("--firmware '{}': not supported yet for x86_64 (only none)", *o.firmware);
    if (o.dump_dtb)
        return error("--dump-dtb: x86_64 guests have no device tree");

    machine::PcConfig config;
    config.dump_acpi_dir = o.dump_acpi;
    config.cpus = o.cpus;
    config.memory = TRY(parse_memory(o.memory));
    config.cmdline = o.cmdline;
    config.initrd_path = o.initrd;
    config.serial = TRY(parse_serial(o.serial));
    if (o.kvm_device)
        config.kvm_device = *o.kvm_device;
    config.parallel = TRY(parse_parallel(o.parallel));
    TRY(parse_virtio_devices(o, machine::VirtioTransport::Pci, config));
    TRY(reject_virtio_mmio(config));
    if (o.kernel)
        config.kernel_path = *o.kernel;
    else if (!defaults.x86_kernel.empty())
        config.kernel_path = defaults.x86_kernel;
    else
        return error("--kernel is required (the default demo guest was not found next to kite)");
    return config;
}

Result<machine::VirtConfig> to_virt_config(const RunOptions& o, const DefaultGuest& defaults) {
    if (o.accel == "kvm")
        return error("--accel kvm: KVM cannot run riscv64 guests on this host (use tcg or auto)");
    if (o.accel != "tcg" && o.accel != "auto")
        return error("--accel '{}': expected kvm, tcg or auto", o.accel);
    if (o.kvm_device)
        return error("--kvm-device: riscv64 guests run on the software CPU, not KVM");
    if (o.dump_acpi)
        return error("--dump-acpi: riscv64 guests have no ACPI tables (see --dump-dtb)");

    if (o.parallel != "none")
        return error("--parallel: the riscv64 virt board has no parallel port");

    machine::VirtConfig config;
    config.cpus = o.cpus;
    config.memory = TRY(parse_memory(o.memory));
    config.cmdline = o.cmdline;
    config.serial = TRY(parse_serial(o.serial));
    TRY(parse_virtio_devices(o, machine::VirtioTransport::Mmio, config));
    config.dump_dtb_path = o.dump_dtb;
    if (o.firmware && *o.firmware == "none") {
        if (!o.kernel)
            return error("--firmware none needs --kernel (a bare-metal RISC-V ELF)");
    } else if (o.firmware) {
        config.firmware_path = *o.firmware;
    } else if (!defaults.riscv_firmware.empty()) {
        config.firmware_path = defaults.riscv_firmware;
    } else {
        return error(
            "--firmware: OpenSBI's fw_dynamic.bin was not found (apt-get install opensbi, or give a path)");
    }
    // Without --kernel, boot the default Linux guest when it has been built.
    if (o.kernel) {
        config.kernel_path = *o.kernel;
        config.initrd_path = o.initrd;
    } else if (!defaults.riscv_kernel.empty()) {
        config.kernel_path = defaults.riscv_kernel;
        config.initrd_path = o.initrd ? o.initrd : std::optional<std::string>(defaults.riscv_initrd);
        if (o.cmdline.empty())
            config.cmdline = "console=ttyS0";
    } else {
        // Firmware alone would hand over to nothing at address 0 and spin.
        return error("--kernel is required (the default RISC-V guest has not been built: run "
                     "guest/riscv64/build-all.sh)");
    }
    return config;
}

} // namespace kite::cli
