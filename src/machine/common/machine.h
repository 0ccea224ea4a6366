#pragma once

#include "accel/accelerator.h"
#include "bus/bus.h"
#include "chardev/char_backend.h"
#include "event/event_loop.h"
#include "event/io_thread.h"
#include "machine/common/device_registry.h"
#include "machine/common/machine_failure.h"
#include "memory/guest_memory.h"
#include "vcpu/run_state.h"
#include "vcpu/vcpu_thread.h"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace kite::machine {

// Opens the accelerator a board runs on (KVM, the software CPU). Its failure
// carries the exit status: 4 for a host without it, 8 for a failed call.
using AcceleratorFactory = std::function<MachineResult<std::unique_ptr<accel::Accelerator>>()>;

// Where the terminal's input goes while the machine runs.
struct ConsoleBinding {
    CharBackend* console{nullptr};
    std::function<void(std::span<const u8>)> to_guest;
    EventLoop* input_loop{nullptr}; // read input there (the board's I/O thread); null: the main loop
};

// A board, built once from its configuration and run by whichever accelerator
// the factory opens. Three phases, in order: build() (memory, accelerator,
// devices, vCPUs), boot() (images into RAM, entry state), run() (vCPU threads
// and the host loop until the guest or the user stops it). While it runs,
// pause_all() holds every vCPU between two instructions slices or KVM_RUNs,
// e.g. to save the DeviceRegistry's state, and resume_all() lets them go on.
class Machine {
public:
    virtual ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    MachineResult<void> build();
    MachineResult<void> boot();
    MachineResult<int> run();
    // build(), boot() and run(): what `kite run` does.
    MachineResult<int> build_boot_run();

    // From any thread but a vCPU's. pause_all() returns once every vCPU is held.
    void pause_all();
    void resume_all();

    DeviceRegistry& device_registry() { return m_registry; }
    RunState& run_state() { return *m_state; }
    GuestMemory& memory() { return m_memory; }
    std::size_t vcpu_count() const { return m_vcpus.size(); }
    VcpuThread& vcpu_thread(std::size_t index) { return *m_vcpus.at(index); }
    accel::Vcpu& vcpu(std::size_t index) { return m_vcpus.at(index)->vcpu(); }

protected:
    explicit Machine(AcceleratorFactory accelerator);

    // The board's part of each phase.
    virtual MachineResult<void> build_board() = 0;
    virtual MachineResult<void> boot_board() = 0;
    virtual ConsoleBinding console_binding() = 0;
    // After the vCPUs have stopped: finish host I/O before devices go away.
    virtual void after_run() {}

    // For build_board(): opens the accelerator, creates a VM for `cpus` vCPUs
    // and maps m_memory into it (so fill m_memory's regions first).
    MachineResult<void> create_vm(u32 cpus);
    // Then the vCPUs, each on its own VcpuThread.
    MachineResult<void> create_vcpus(u32 cpus);
    accel::Accelerator& accelerator() { return *m_accelerator; }
    accel::Vm& vm() { return *m_vm; }

    // Declared before the vCPUs, which use them until they are destroyed.
    GuestMemory m_memory;
    // Host-side device I/O (disks, network, virtio console output), for the
    // boards that start one. It outlives the buses, whose devices use it.
    std::unique_ptr<IoThread> m_io;
    Bus m_pio{"port I/O"};
    Bus m_mmio{"MMIO"};
    std::shared_ptr<RunState> m_state;
    DeviceRegistry m_registry;

private:
    AcceleratorFactory m_accelerator_factory;
    std::unique_ptr<accel::Accelerator> m_accelerator;
    std::unique_ptr<accel::Vm> m_vm;
    std::vector<std::unique_ptr<VcpuThread>> m_vcpus;
};

} // namespace kite::machine
