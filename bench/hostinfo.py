"""What the benchmarks print about the host they ran on."""

import os
import platform


def kvm_description():
    """What kind of KVM this host offers, for the report."""
    if not os.path.exists("/dev/kvm"):
        return "no /dev/kvm"
    for module, words in (("kvm_intel", "hardware KVM (Intel VMX)"), ("kvm_amd", "hardware KVM (AMD SVM)"),
                          ("kvm_pvm", "software-only KVM (PVM, nested)")):
        if os.path.isdir(f"/sys/module/{module}"):
            return words
    return "KVM (module unknown)"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
