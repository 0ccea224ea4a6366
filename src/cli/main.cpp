// kite: the command-line front end. Parses options into a board configuration,
// runs it, and maps the outcome to the process exit status.

#include "base/log.h"
#include "cli/accel_detect.h"
#include "cli/run_options.h"
#include "machine/common/process_setup.h"
#include "machine/x86_pc/pc_board.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <utility>

#ifndef KITE_VERSION
#define KITE_VERSION "0.0.0"
#endif

namespace {

using kite::ExitStatus;

// Where the default guests are: the x86 demo guest built next to the binary,
// Debian's OpenSBI, and the RISC-V Linux images guest/riscv64/build-all.sh
// links at $KITE_CACHE/riscv64/current (default ~/.cache/kite).
kite::cli::DefaultGuest default_guest() {
    namespace fs = std::filesystem;
    auto existing = [](const fs::path& p) {
        std::error_code ec;
        return fs::exists(p, ec) ? p.string() : std::string{};
    };
    kite::cli::DefaultGuest guest;
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        guest.x86_kernel = existing(exe.parent_path() / "guest" / "x86_64-demo.elf");
    guest.riscv_firmware = existing("/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin");
    fs::path cache;
    if (const char* env = std::getenv("KITE_CACHE"))
        cache = env;
    else if (const char* home = std::getenv("HOME"))
        cache = fs::path(home) / ".cache" / "kite";
    if (!cache.empty()) {
        guest.riscv_kernel = existing(cache / "riscv64" / "current" / "Image");
        guest.riscv_initrd = existing(cache / "riscv64" / "current" / "initramfs.cpio.gz");
    }
    return guest;
}

int usage_error(const std::string& message) {
    std::fprintf(stderr, "kite: error: %s\n", message.c_str());
    return kite::to_int(ExitStatus::Usage);
}

int run(const kite::cli::RunOptions& options) {
    auto arch = kite::cli::resolve_arch(options);
    if (!arch)
        return usage_error(arch.error().message());
    kite::machine::MachineResult<int> result = 0;
    if (*arch == "x86_64") {
        auto config = kite::cli::to_pc_config(options, default_guest());
        if (!config)
            return usage_error(config.error().message());
        kite::machine::AcceleratorFactory accelerator; // --accel kvm: KVM, whatever the host
        if (options.accel == "auto")
            accelerator = kite::cli::x86_auto_accelerator(*config);
        result = kite::machine::run_pc(*config, std::move(accelerator));
    } else {
        auto config = kite::cli::to_virt_config(options, default_guest());
        if (!config)
            return usage_error(config.error().message());
        kite::log::info("accel: tcg (riscv64 guests run on the software CPU)");
        result = kite::machine::run_riscv_virt(*config);
    }
    if (!result) {
        std::fprintf(stderr, "kite: error: %s\n", result.error().error.message().c_str());
        return kite::to_int(result.error().status);
    }
    return *result;
}

} // namespace

int main(int argc, char** argv) {
    // Before anything opens an fd or starts a thread.
    if (auto prepared = kite::machine::prepare_process(); !prepared)
        return usage_error(prepared.error().message());
    CLI::App app{"Kite: a small, fast virtual machine monitor", "kite"};
    app.require_subcommand(0, 1);
    app.set_version_flag("--version", KITE_VERSION);
    std::string log_level;
    app.add_option("--log", log_level, "Log level: error, warn, info, debug, trace (or KITE_LOG)");

    kite::cli::RunOptions options;
    auto* run_cmd = app.add_subcommand("run", "Boot a guest");
    run_cmd
        ->add_option("--arch", options.arch,
                     "Guest architecture: x86_64, riscv64 or auto (from --kernel; riscv64 without one)")
        ->capture_default_str();
    run_cmd->add_option("--accel", options.accel, "Accelerator: kvm, tcg or auto")->capture_default_str();
    run_cmd->add_option("--cpus", options.cpus, "Number of vCPUs")->capture_default_str();
    run_cmd->add_option("--memory", options.memory, "Guest RAM, e.g. 512M or 2G (bare number: MiB)")
        ->capture_default_str();
    run_cmd->add_option("--kernel", options.kernel,
                        "Kernel image (ELF or Multiboot); default: the demo guest");
    run_cmd->add_option("--initrd", options.initrd, "Initial ramdisk (x86: the Linux or PVH initrd, or a Multiboot module)");
    run_cmd->add_option("--cmdline", options.cmdline, "Kernel command line");
    run_cmd->add_option("--firmware", options.firmware, "Firmware image, or none");
    run_cmd->add_option("--disk", options.disks,
                        "virtio-blk disk (repeatable): path=FILE[,readonly=on][,serial=ID][,transport=mmio|pci]");
    run_cmd->add_option("--net", options.nets,
                        "virtio-net NIC (repeatable): user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]... or tap=NAME; "
                        "then [,mac=52:54:00:..][,transport=mmio|pci]");
    run_cmd->add_option("--serial", options.serial, "Serial port: stdio, file=PATH or none")
        ->capture_default_str();
    run_cmd->add_option("--parallel", options.parallel, "Parallel port LPT1 (x86_64): file=PATH or none")
        ->capture_default_str();
    run_cmd->add_option("--console", options.console,
                        "virtio-console (hvc0) host end: stdio, file=PATH or none[,transport=mmio|pci]");
    run_cmd->add_option("--dump-dtb", options.dump_dtb,
                        "Also write the generated device tree to FILE (riscv64)");
    run_cmd->add_option("--kvm-device", options.kvm_device, "KVM device node (x86_64; default /dev/kvm)");
    run_cmd->add_option("--dump-acpi", options.dump_acpi,
                        "Also write the ACPI tables to DIR as <SIG>.dat, for iasl -d (x86_64)");
    auto* version_cmd = app.add_subcommand("version", "Print the version");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(std::string(e.what()) + " (see kite --help)");
    }

    // KITE_LOG and --log take the same values, and a bad one is the same error.
    const char* env_level = std::getenv("KITE_LOG");
    for (auto [name, text] : {std::pair{"KITE_LOG", env_level ? std::string(env_level) : std::string()},
                              std::pair{"--log", log_level}}) {
        if (text.empty())
            continue;
        kite::log::Level level;
        if (!kite::log::parse_level(text, level))
            return usage_error(std::string(name) + " '" + text +
                               "': expected error, warn, info, debug or trace");
        kite::log::set_level(level);
    }
    if (version_cmd->parsed()) {
        std::printf("kite %s\n", KITE_VERSION);
        return 0;
    }
    if (run_cmd->parsed())
        return run(options);
    std::fputs(app.help().c_str(), stdout);
    return 0;
}
