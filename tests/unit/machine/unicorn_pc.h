#pragma once

// A test vCPU for the tiny x86 guests on hosts without /dev/kvm: Unicorn's
// x86 CPU entered in the Multiboot state a Kite loader returns, with its port
// I/O and one MMIO window sent to Kite's buses.

#include "accel/x86_entry_state.h"
#include "base/le_bytes.h"
#include "bus/bus.h"

#include <array>
#include <span>
#include <string>
#include <unicorn/unicorn.h>

namespace kite {

// Unicorn as the vCPU: port I/O and the PCI MMIO window go to Kite's buses.
class UnicornPc {
public:
    UnicornPc(Bus& pio, Bus& mmio) : m_pio(pio), m_mmio(mmio) {}
    ~UnicornPc() {
        if (m_uc)
            uc_close(m_uc);
    }

    std::string open(std::span<u8> ram, u64 mmio_base, u64 mmio_size) {
        m_mmio_base = mmio_base;
        if (uc_err err = uc_open(UC_ARCH_X86, UC_MODE_32, &m_uc); err != UC_ERR_OK)
            return uc_strerror(err);
        if (uc_err err = uc_mem_map_ptr(m_uc, 0, ram.size(), UC_PROT_ALL, ram.data()); err != UC_ERR_OK)
            return uc_strerror(err);
        if (uc_err err = uc_mmio_map(m_uc, mmio_base, mmio_size, &UnicornPc::mmio_read, this,
                                     &UnicornPc::mmio_write, this);
            err != UC_ERR_OK)
            return uc_strerror(err);
        uc_hook in_hook{};
        uc_hook out_hook{};
        if (uc_hook_add(m_uc, &in_hook, UC_HOOK_INSN, reinterpret_cast<void*>(&UnicornPc::port_in), this, 1,
                        0, UC_X86_INS_IN) != UC_ERR_OK ||
            uc_hook_add(m_uc, &out_hook, UC_HOOK_INSN, reinterpret_cast<void*>(&UnicornPc::port_out), this, 1,
                        0, UC_X86_INS_OUT) != UC_ERR_OK)
            return "uc_hook_add failed";
        return {};
    }

    // Runs from the Multiboot entry until stop() or the time limit.
    std::string run(const accel::X86EntryState& entry) {
        u32 eax = static_cast<u32>(entry.rax);
        u32 ebx = static_cast<u32>(entry.rbx);
        u32 esp = static_cast<u32>(entry.rsp);
        uc_x86_mmr gdtr{0, entry.gdt_base, entry.gdt_limit, 0};
        uc_reg_write(m_uc, UC_X86_REG_EAX, &eax);
        uc_reg_write(m_uc, UC_X86_REG_EBX, &ebx);
        uc_reg_write(m_uc, UC_X86_REG_ESP, &esp);
        uc_reg_write(m_uc, UC_X86_REG_GDTR, &gdtr);
        uc_err err = uc_emu_start(m_uc, entry.rip, 0, 20'000'000 /* us */, 0);
        return err == UC_ERR_OK ? std::string() : uc_strerror(err);
    }
    void stop() { uc_emu_stop(m_uc); }

private:
    static u64 mmio_read(uc_engine*, u64 offset, unsigned size, void* self) {
        auto* pc = static_cast<UnicornPc*>(self);
        std::array<u8, 8> b{};
        pc->m_mmio.read(pc->m_mmio_base + offset, std::span(b).first(size));
        return load_le(std::span(b).first(size));
    }
    static void mmio_write(uc_engine*, u64 offset, unsigned size, u64 value, void* self) {
        auto* pc = static_cast<UnicornPc*>(self);
        std::array<u8, 8> b{};
        store_le(b, value);
        pc->m_mmio.write(pc->m_mmio_base + offset, std::span(b).first(size));
    }
    static u32 port_in(uc_engine*, u32 port, int size, void* self) {
        std::array<u8, 4> b{};
        static_cast<UnicornPc*>(self)->m_pio.read(port, std::span(b).first(static_cast<std::size_t>(size)));
        return static_cast<u32>(load_le(std::span(b).first(static_cast<std::size_t>(size))));
    }
    static void port_out(uc_engine*, u32 port, int size, u32 value, void* self) {
        std::array<u8, 4> b{};
        store_le(b, value);
        static_cast<UnicornPc*>(self)->m_pio.write(port, std::span(b).first(static_cast<std::size_t>(size)));
    }

    Bus& m_pio;
    Bus& m_mmio;
    u64 m_mmio_base{0};
    uc_engine* m_uc{nullptr};
};

} // namespace kite
