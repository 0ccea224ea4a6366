#include "devices/uart16550/uart16550.h"

#include "base/log.h"

#include <algorithm>
#include <array>
#include <vector>

namespace kite::devices {

namespace {

// IER: interrupt enables.
constexpr u8 kIerRda = 0x01;  // received data available (and character timeout)
constexpr u8 kIerThre = 0x02; // transmitter holding register empty
constexpr u8 kIerRls = 0x04;  // receiver line status
constexpr u8 kIerMs = 0x08;   // modem status
constexpr u8 kIerMask = 0x0F;

// IIR: interrupt identification, highest priority first.
constexpr u8 kIirNone = 0x01;
constexpr u8 kIirRls = 0x06;
constexpr u8 kIirRda = 0x04;
constexpr u8 kIirCti = 0x0C; // character timeout: data below the trigger level
constexpr u8 kIirThre = 0x02;
constexpr u8 kIirMs = 0x00;
constexpr u8 kIirFifoEnabled = 0xC0;

// FCR: FIFO control.
constexpr u8 kFcrEnable = 0x01;
constexpr u8 kFcrClearRx = 0x02;
constexpr u8 kFcrTriggerMask = 0xC0;

constexpr u8 kLcrDlab = 0x80;

// MCR: modem control.
constexpr u8 kMcrDtr = 0x01;
constexpr u8 kMcrRts = 0x02;
constexpr u8 kMcrOut1 = 0x04;
constexpr u8 kMcrOut2 = 0x08;
constexpr u8 kMcrLoop = 0x10;
constexpr u8 kMcrMask = 0x1F;

// LSR: line status.
constexpr u8 kLsrDr = 0x01;
constexpr u8 kLsrOe = 0x02;
constexpr u8 kLsrThre = 0x20;
constexpr u8 kLsrTemt = 0x40;

// MSR: modem status (deltas in 3:0, lines in 7:4).
constexpr u8 kMsrDcts = 0x01;
constexpr u8 kMsrDdsr = 0x02;
constexpr u8 kMsrTeri = 0x04;
constexpr u8 kMsrDdcd = 0x08;
constexpr u8 kMsrCts = 0x10;
constexpr u8 kMsrDsr = 0x20;
constexpr u8 kMsrRi = 0x40;
constexpr u8 kMsrDcd = 0x80;

} // namespace

Uart16550::Uart16550(std::shared_ptr<IrqLine> irq, OutputSink sink)
    : m_irq(irq ? std::move(irq) : std::make_shared<RecordingIrqLine>()), m_sink(std::move(sink)) {}

bool Uart16550::dlab() const {
    return (m_lcr & kLcrDlab) != 0;
}
bool Uart16550::loopback() const {
    return (m_mcr & kMcrLoop) != 0;
}
bool Uart16550::fifo_enabled() const {
    return (m_fcr & kFcrEnable) != 0;
}

// With FIFOs disabled the chip behaves like a 16450: a single holding register.
std::size_t Uart16550::rx_capacity() const {
    return fifo_enabled() ? kFifoSize : 1;
}

std::size_t Uart16550::rx_trigger_level() const {
    if (!fifo_enabled())
        return 1;
    switch ((m_fcr & kFcrTriggerMask) >> 6) {
    case 0:
        return 1;
    case 1:
        return 4;
    case 2:
        return 8;
    default:
        return 14;
    }
}

u8 Uart16550::read(u8 offset) {
    if (offset > kScr)
        return 0xFF;
    switch (static_cast<Register>(offset)) {
    case kRbrThr:
        if (dlab())
            return m_dll;
        return read_rbr();
    case kIer:
        return dlab() ? m_dlm : m_ier;
    case kIirFcr:
        return read_iir();
    case kLcr:
        return m_lcr;
    case kMcr:
        return m_mcr;
    case kLsr:
        return read_lsr();
    case kMsr:
        return read_msr();
    case kScr:
        return m_scr;
    }
    return 0xFF; // unreachable: every register is handled above
}

void Uart16550::write(u8 offset, u8 value) {
    if (offset > kScr)
        return;
    switch (static_cast<Register>(offset)) {
    case kRbrThr:
        if (dlab())
            m_dll = value;
        else
            write_thr(value);
        break;
    case kIer:
        if (dlab())
            m_dlm = value;
        else
            write_ier(value);
        break;
    case kIirFcr:
        write_fcr(value);
        break;
    case kLcr:
        m_lcr = value;
        break;
    case kMcr:
        write_mcr(value);
        break;
    case kLsr:
        // LSR is read-only on a 16550A (writes are for factory test only).
        break;
    case kMsr:
        break; // read-only
    case kScr:
        m_scr = value;
        break;
    }
    update_irq();
}

std::size_t Uart16550::receive(std::span<const u8> bytes) {
    if (bytes.empty())
        return 0;
    // Room is what the FIFO can take now plus the host queue's spare capacity
    // (the queue only holds bytes while the FIFO is full or in loopback).
    std::size_t room = kHostQueueLimit - std::min(kHostQueueLimit, m_host_queue.size());
    if (!loopback() && m_host_queue.empty())
        room += rx_capacity() - std::min(rx_capacity(), m_rx_fifo.size());
    std::size_t accepted = std::min(room, bytes.size());
    m_host_queue.insert(m_host_queue.end(), bytes.begin(),
                        bytes.begin() + static_cast<std::ptrdiff_t>(accepted));
    if (accepted < bytes.size()) {
        if (m_dropped_input == 0)
            log::warn("uart16550: host input queue full, dropping input");
        m_dropped_input += bytes.size() - accepted;
    }
    refill_rx_fifo();
    update_irq();
    return accepted;
}

u8 Uart16550::read_rbr() {
    if (m_rx_fifo.empty())
        return 0;
    u8 value = m_rx_fifo.front();
    m_rx_fifo.pop_front();
    refill_rx_fifo();
    update_irq();
    return value;
}

u8 Uart16550::read_iir() {
    u8 id = pending_interrupt_id();
    // Reading IIR acknowledges a THR-empty interrupt, but only when it is the one reported.
    if (id == kIirThre)
        m_thr_ipending = false;
    update_irq();
    return static_cast<u8>(id | (fifo_enabled() ? kIirFifoEnabled : 0));
}

u8 Uart16550::read_lsr() {
    // The transmitter is always empty: output is delivered synchronously.
    u8 value = kLsrThre | kLsrTemt;
    if (!m_rx_fifo.empty())
        value |= kLsrDr;
    if (m_overrun)
        value |= kLsrOe;
    m_overrun = false; // error bits clear on read, which also clears the RLS interrupt
    update_irq();
    return value;
}

u8 Uart16550::read_msr() {
    u8 value = static_cast<u8>(modem_lines() | m_msr_deltas);
    m_msr_deltas = 0;
    update_irq();
    return value;
}

void Uart16550::write_thr(u8 value) {
    m_thr_ipending = false;
    if (loopback()) {
        // The transmitter's output feeds the receiver; a full FIFO means overrun.
        if (m_rx_fifo.size() < rx_capacity())
            m_rx_fifo.push_back(value);
        else
            m_overrun = true;
    } else if (m_sink) {
        m_sink(value);
    }
    // Transmission is instantaneous, so THR is empty again right away.
    m_thr_ipending = true;
}

void Uart16550::write_ier(u8 value) {
    value &= kIerMask;
    bool thre_was_enabled = (m_ier & kIerThre) != 0;
    m_ier = value;
    if (!(value & kIerThre))
        m_thr_ipending = false;
    else if (!thre_was_enabled)
        m_thr_ipending = true; // THR is always empty, so enabling the interrupt raises it at once
}

void Uart16550::write_fcr(u8 value) {
    bool was_enabled = fifo_enabled();
    m_fcr = value & (kFcrEnable | kFcrTriggerMask);
    // Changing the FIFO mode resets the FIFOs, as on the real part.
    if (was_enabled != fifo_enabled() || (value & kFcrClearRx))
        m_rx_fifo.clear();
    // Bytes still queued on the host side have not "arrived" yet: let them in.
    refill_rx_fifo();
}

void Uart16550::write_mcr(u8 value) {
    u8 old_lines = modem_lines();
    m_mcr = value & kMcrMask;
    note_modem_change(old_lines, modem_lines());
    refill_rx_fifo(); // leaving loopback reconnects the receiver to host input
}

void Uart16550::refill_rx_fifo() {
    if (loopback())
        return;
    while (!m_host_queue.empty() && m_rx_fifo.size() < rx_capacity()) {
        m_rx_fifo.push_back(m_host_queue.front());
        m_host_queue.pop_front();
    }
}

u8 Uart16550::modem_lines() const {
    if (!loopback())
        return kMsrCts | kMsrDsr | kMsrDcd; // a peer that is always ready
    // Loopback wires the modem control outputs to the status inputs.
    u8 lines = 0;
    if (m_mcr & kMcrRts)
        lines |= kMsrCts;
    if (m_mcr & kMcrDtr)
        lines |= kMsrDsr;
    if (m_mcr & kMcrOut1)
        lines |= kMsrRi;
    if (m_mcr & kMcrOut2)
        lines |= kMsrDcd;
    return lines;
}

void Uart16550::note_modem_change(u8 old_lines, u8 new_lines) {
    u8 changed = old_lines ^ new_lines;
    if (changed & kMsrCts)
        m_msr_deltas |= kMsrDcts;
    if (changed & kMsrDsr)
        m_msr_deltas |= kMsrDdsr;
    if (changed & kMsrDcd)
        m_msr_deltas |= kMsrDdcd;
    if ((old_lines & kMsrRi) && !(new_lines & kMsrRi))
        m_msr_deltas |= kMsrTeri; // trailing edge of ring indicator only
}

u8 Uart16550::pending_interrupt_id() const {
    if ((m_ier & kIerRls) && m_overrun)
        return kIirRls;
    if ((m_ier & kIerRda) && !m_rx_fifo.empty()) {
        // No character timing is modelled, so data below the trigger level
        // reports the timeout interrupt at once. Both IDs have bit 2 set.
        return m_rx_fifo.size() >= rx_trigger_level() ? kIirRda : kIirCti;
    }
    if ((m_ier & kIerThre) && m_thr_ipending)
        return kIirThre;
    if ((m_ier & kIerMs) && m_msr_deltas != 0)
        return kIirMs;
    return kIirNone;
}

void Uart16550::update_irq() {
    // Deliberately not gated on MCR.OUT2: not every guest sets it, and QEMU does not gate either.
    m_irq_level = pending_interrupt_id() != kIirNone;
    m_irq->set_level(m_irq_level);
}

namespace {

void put_queue(StateWriter& out, const std::deque<u8>& queue) {
    std::vector<u8> bytes(queue.begin(), queue.end());
    out.put_bytes(bytes);
}

Result<std::deque<u8>> get_queue(StateReader& in, std::size_t limit) {
    auto bytes = TRY(in.get_bytes(limit));
    return std::deque<u8>(bytes.begin(), bytes.end());
}

} // namespace

void Uart16550::save(StateWriter& out) const {
    for (u8 reg : {m_ier, m_fcr, m_lcr, m_mcr, m_msr_deltas, m_scr, m_dll, m_dlm})
        out.put_u8(reg);
    out.put_bool(m_overrun);
    out.put_bool(m_thr_ipending);
    out.put_u64(m_dropped_input);
    put_queue(out, m_rx_fifo);
    put_queue(out, m_host_queue);
}

Result<void> Uart16550::restore(StateReader& in) {
    std::array<u8, 8> regs{};
    for (u8& reg : regs)
        reg = TRY(in.get_u8());
    bool overrun = TRY(in.get_bool());
    bool thr_ipending = TRY(in.get_bool());
    u64 dropped = TRY(in.get_u64());
    auto rx_fifo = TRY_CONTEXT(get_queue(in, kFifoSize), "uart16550 receive FIFO");
    auto host_queue = TRY_CONTEXT(get_queue(in, kHostQueueLimit), "uart16550 host queue");
    TRY(in.expect_end());
    // Only now, with every field checked, does the device change.
    auto [ier, fcr, lcr, mcr, msr_deltas, scr, dll, dlm] = regs;
    m_ier = ier;
    m_fcr = fcr;
    m_lcr = lcr;
    m_mcr = mcr;
    m_msr_deltas = msr_deltas;
    m_scr = scr;
    m_dll = dll;
    m_dlm = dlm;
    m_overrun = overrun;
    m_thr_ipending = thr_ipending;
    m_dropped_input = dropped;
    m_rx_fifo = std::move(rx_fifo);
    m_host_queue = std::move(host_queue);
    update_irq();
    return {};
}

} // namespace kite::devices
