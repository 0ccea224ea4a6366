#include "cpu/x86/interpreter.h"

#include "cpu/x86/core.h"
#include "cpu/x86/exec.h"
#include "cpu/x86/interrupt.h"

#include <algorithm>

namespace kite::x86 {

namespace {

constexpr u64 kMaxInsnLength = 15;

Exception undefined_opcode(std::span<const u8> bytes) {
    Exception e = Exception::ud();
    e.byte_count = static_cast<u8>(std::min<u64>(bytes.size(), e.bytes.size()));
    std::copy_n(bytes.begin(), e.byte_count, e.bytes.begin());
    return e;
}

} // namespace

Interpreter::Interpreter(Memory& memory) : m_memory(memory) {}

std::optional<Exception> Interpreter::fetch(DecodedInsn& out) {
    const u64 rip = m_state.rip;
    if (!is_canonical(rip))
        return Exception::gp(0);
    const auto first = m_memory.translate(rip, Access::Fetch);
    if (!first)
        return first.error();
    if (const DecodedInsn* cached = m_cache.find(*first)) {
        out = *cached;
        return std::nullopt;
    }
    u8 bytes[kMaxInsnLength];
    const u64 in_page = std::min(kMaxInsnLength, kPageSize - (rip & kPageMask));
    m_memory.read(*first, {bytes, in_page});
    u64 fetched = in_page;
    DecodeStatus status = m_decoder.decode({bytes, in_page}, out);
    if (status == DecodeStatus::NeedMoreBytes && in_page < kMaxInsnLength) {
        // The instruction continues on the next page, which must be mapped.
        const auto second = m_memory.translate(rip + in_page, Access::Fetch);
        if (!second)
            return second.error();
        m_memory.read(*second, {bytes + in_page, kMaxInsnLength - in_page});
        fetched = kMaxInsnLength;
        status = m_decoder.decode({bytes, fetched}, out);
    }
    if (status != DecodeStatus::Ok)
        return undefined_opcode({bytes, fetched});
    if (out.op == Op::Invalid)
        return undefined_opcode({bytes, out.length});
    if (out.length <= in_page)
        m_cache.insert(*first, out); // an instruction crossing pages is decoded every time
    return std::nullopt;
}

bool Interpreter::deliver(const Exception& e) {
    Core core(m_state, m_memory, m_cache);
    return x86::deliver(core, e) == Delivery::Delivered;
}

std::optional<Exception> Interpreter::step() {
    return run(1).exception;
}

RunResult Interpreter::run(u64 budget) {
    RunResult result;
    Core core(m_state, m_memory, m_cache);
    DecodedInsn insn;
    while (result.executed < budget) {
        if (auto e = fetch(insn)) {
            result.exception = *e;
            return result;
        }
        core.next_rip = m_state.rip + insn.length;
        if (!kHandlers[static_cast<std::size_t>(insn.op)](core, insn)) {
            result.exception = core.fault;
            if (core.fault.software) { // a trap: it completed
                m_state.rip = core.next_rip;
                ++result.executed;
            }
            return result;
        }
        m_state.rip = core.next_rip;
        ++result.executed;
    }
    return result;
}

} // namespace kite::x86
