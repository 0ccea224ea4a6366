#include "cli/run_options.h"

#include "base/size.h"

namespace kite::cli {

Result<machine::SerialConfig> parse_serial(const std::string& text) {
    if (text == "stdio")
        return machine::SerialConfig{machine::SerialMode::Stdio, {}};
    if (text == "none")
        return machine::SerialConfig{machine::SerialMode::None, {}};
    if (text.starts_with("file=") && text.size() > 5)
        return machine::SerialConfig{machine::SerialMode::File, text.substr(5)};
    return error("--serial '{}': expected stdio, file=PATH or none", text);
}

Result<machine::PcConfig> to_pc_config(const RunOptions& o, const std::string& default_kernel) {
    if (o.arch == "riscv64")
        return error("--arch riscv64: not supported yet (the RISC-V software CPU is planned)");
    if (o.arch != "x86_64")
        return error("--arch '{}': expected x86_64 or riscv64", o.arch);
    if (o.accel == "tcg")
        return error("--accel tcg: not supported yet for x86_64 (use kvm)");
    if (o.accel != "kvm" && o.accel != "auto")
        return error("--accel '{}': expected kvm, tcg or auto", o.accel);
    if (o.firmware && *o.firmware != "none")
        return error("--firmware '{}': not supported yet for x86_64 (only none)", *o.firmware);
    if (!o.disks.empty())
        return error("--disk: not supported yet (virtio-blk is planned)");
    if (!o.nets.empty())
        return error("--net: not supported yet (virtio-net is planned)");

    machine::PcConfig config;
    config.cpus = o.cpus;
    config.memory = TRY_CONTEXT(parse_size(o.memory), "--memory");
    config.cmdline = o.cmdline;
    config.initrd_path = o.initrd;
    config.serial = TRY(parse_serial(o.serial));
    if (o.kernel)
        config.kernel_path = *o.kernel;
    else if (!default_kernel.empty())
        config.kernel_path = default_kernel;
    else
        return error("--kernel is required (the default demo guest was not found next to kite)");
    return config;
}

} // namespace kite::cli
