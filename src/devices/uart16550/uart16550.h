#pragma once

#include "base/error.h"
#include "base/state_stream.h"
#include "base/types.h"
#include "bus/irq_line.h"

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <span>

namespace kite::devices {

// A National Semiconductor 16550A UART core: registers, a 16-byte receive
// FIFO and interrupt identification, with no knowledge of buses or host fds.
// Transmission is instantaneous: a byte written to THR goes straight to the
// output sink (or, in loopback mode, back into the receiver), so THR and the
// transmitter are always empty. Not thread-safe; Uart16550Device adds a lock.
class Uart16550 {
public:
    using OutputSink = std::function<void(u8)>;

    static constexpr std::size_t kFifoSize = 16;
    // Host input beyond the FIFO waits here (up to this many bytes) so pasted text is not lost.
    static constexpr std::size_t kHostQueueLimit = 64 * KiB;

    // Register offsets from the base port.
    enum Register : u8 {
        kRbrThr = 0, // DLAB=1: DLL
        kIer = 1,    // DLAB=1: DLM
        kIirFcr = 2,
        kLcr = 3,
        kMcr = 4,
        kLsr = 5,
        kMsr = 6,
        kScr = 7,
    };

    Uart16550(std::shared_ptr<IrqLine> irq, OutputSink sink);

    // A guest access to register `offset` (0..7; larger offsets read 0xFF and
    // ignore writes).
    u8 read(u8 offset);
    void write(u8 offset, u8 value);

    // Host input for the guest. Returns how many bytes were accepted; the rest
    // did not fit in the host queue and were dropped (see dropped_input_count()).
    std::size_t receive(std::span<const u8> bytes);

    // Bytes waiting on the host side, not yet in the FIFO.
    std::size_t host_queue_size() const { return m_host_queue.size(); }
    std::size_t rx_fifo_size() const { return m_rx_fifo.size(); }
    u64 dropped_input_count() const { return m_dropped_input; }
    // Current divisor latch (DLM:DLL).
    u16 divisor() const { return static_cast<u16>(m_dll | (m_dlm << 8)); }
    // The level last driven on the IRQ line.
    bool irq_level() const { return m_irq_level; }

    // Registers, FIFO and host queue; restore() drives the IRQ line to the
    // restored level and refuses a stream it did not write.
    void save(StateWriter& out) const;
    Result<void> restore(StateReader& in);

private:
    bool dlab() const;
    bool loopback() const;
    bool fifo_enabled() const;
    std::size_t rx_capacity() const;
    std::size_t rx_trigger_level() const;

    u8 read_rbr();
    u8 read_iir();
    u8 read_lsr();
    u8 read_msr();
    void write_thr(u8 value);
    void write_ier(u8 value);
    void write_fcr(u8 value);
    void write_mcr(u8 value);

    // Moves host-queued bytes into the FIFO while it has room (not in loopback,
    // where the receiver is disconnected from the serial input).
    void refill_rx_fifo();
    // The modem input lines (MSR bits 7:4) as the guest currently sees them.
    u8 modem_lines() const;
    // Sets MSR delta bits for a change of the modem input lines.
    void note_modem_change(u8 old_lines, u8 new_lines);
    // The IIR value (without FIFO bits) for the highest-priority pending source.
    u8 pending_interrupt_id() const;
    void update_irq();

    std::shared_ptr<IrqLine> m_irq;
    OutputSink m_sink;

    std::deque<u8> m_rx_fifo;
    std::deque<u8> m_host_queue;
    u64 m_dropped_input{0};

    u8 m_ier{0};
    u8 m_fcr{0}; // only the FIFO-enable bit and trigger level are kept
    u8 m_lcr{0};
    u8 m_mcr{0};
    u8 m_msr_deltas{0}; // MSR bits 3:0
    u8 m_scr{0};
    u8 m_dll{0x0C}; // 9600 baud from a 1.8432 MHz clock
    u8 m_dlm{0};
    bool m_overrun{false};      // LSR.OE, cleared by reading LSR
    bool m_thr_ipending{false}; // THR-empty interrupt latched
    bool m_irq_level{false};
};

} // namespace kite::devices
