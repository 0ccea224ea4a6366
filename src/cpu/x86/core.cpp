#include "cpu/x86/core.h"

#include "base/le_bytes.h"

#include <algorithm>
#include <cstring>

namespace kite::x86 {

namespace {

Exception segment_fault(u8 segment) {
    return segment == SS ? Exception::ss(0) : Exception::gp(0);
}

} // namespace

bool Core::read(u64 linear, void* dst, u32 size, u8 segment) {
    if (!is_canonical(linear) || !is_canonical(linear + size - 1))
        return raise(segment_fault(segment));
    const u64 first = std::min<u64>(size, kPageSize - (linear & kPageMask));
    const auto p1 = m_memory.translate(linear, Access::Read);
    if (!p1)
        return raise(p1.error());
    u8* out = static_cast<u8*>(dst);
    if (first == size) {
        m_memory.read(*p1, {out, size});
        return true;
    }
    const auto p2 = m_memory.translate(linear + first, Access::Read);
    if (!p2)
        return raise(p2.error());
    m_memory.read(*p1, {out, first});
    m_memory.read(*p2, {out + first, size - first});
    return true;
}

bool Core::write(u64 linear, const void* src, u32 size, u8 segment) {
    if (!is_canonical(linear) || !is_canonical(linear + size - 1))
        return raise(segment_fault(segment));
    const u64 first = std::min<u64>(size, kPageSize - (linear & kPageMask));
    const auto p1 = m_memory.translate(linear, Access::Write);
    if (!p1)
        return raise(p1.error());
    const u8* in = static_cast<const u8*>(src);
    if (first == size) {
        m_cache.invalidate(*p1, size);
        m_memory.write(*p1, {in, size});
        return true;
    }
    const auto p2 = m_memory.translate(linear + first, Access::Write);
    if (!p2)
        return raise(p2.error());
    m_cache.invalidate(*p1, first);
    m_cache.invalidate(*p2, size - first);
    m_memory.write(*p1, {in, first});
    m_memory.write(*p2, {in + first, size - first});
    return true;
}

bool Core::read_value(u64 linear, u8 size, u64& out, u8 segment) {
    if (size > 8)
        return raise(Exception::ud()); // an operand no handler of this core takes
    u8 bytes[8] = {};
    if (!read(linear, bytes, size, segment))
        return false;
    out = load_le(std::span<const u8>(bytes, size));
    return true;
}

bool Core::write_value(u64 linear, u8 size, u64 value, u8 segment) {
    if (size > 8)
        return raise(Exception::ud());
    u8 bytes[8];
    store_le(std::span<u8>(bytes, size), value);
    return write(linear, bytes, size, segment);
}

bool Core::read_operand(const DecodedInsn& d, const Operand& o, u64& out) {
    switch (o.kind) {
    case OperandKind::Reg:
        out = reg(o.reg, o.size);
        return true;
    case OperandKind::Imm:
        out = o.value & size_mask(o.size);
        return true;
    case OperandKind::Mem:
        return read_value(linear(o.segment, effective_address(d, o)), o.size, out, o.segment);
    case OperandKind::None:
        break;
    }
    return raise(Exception::ud());
}

bool Core::write_operand(const DecodedInsn& d, const Operand& o, u64 value) {
    switch (o.kind) {
    case OperandKind::Reg:
        set_reg(o.reg, o.size, value);
        return true;
    case OperandKind::Mem:
        return write_value(linear(o.segment, effective_address(d, o)), o.size, value, o.segment);
    case OperandKind::Imm:
    case OperandKind::None:
        break;
    }
    return raise(Exception::ud());
}

bool Core::condition(u8 cc) const {
    const u64 f = st.rflags;
    bool r = false;
    switch (cc >> 1) {
    case 0:
        r = f & flag::OF;
        break;
    case 1:
        r = f & flag::CF;
        break;
    case 2:
        r = f & flag::ZF;
        break;
    case 3:
        r = f & (flag::CF | flag::ZF);
        break;
    case 4:
        r = f & flag::SF;
        break;
    case 5:
        r = f & flag::PF;
        break;
    case 6:
        r = ((f & flag::SF) != 0) != ((f & flag::OF) != 0);
        break;
    default:
        r = (f & flag::ZF) || (((f & flag::SF) != 0) != ((f & flag::OF) != 0));
        break;
    }
    return (cc & 1) ? !r : r;
}

bool Core::push(u64 value, u8 size) {
    const u64 rsp = st.gpr[RSP] - size;
    if (!write_value(rsp, size, value, SS))
        return false;
    st.gpr[RSP] = rsp;
    return true;
}

bool Core::pop(u8 size, u64& out) {
    if (!read_value(st.gpr[RSP], size, out, SS))
        return false;
    st.gpr[RSP] += size;
    return true;
}

bool Core::peek_stack(u8 size, u64 offset, u64& out) {
    return read_value(st.gpr[RSP] + offset, size, out, SS);
}

} // namespace kite::x86
