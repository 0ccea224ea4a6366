#include "cpu/x86/interrupt.h"

#include "cpu/x86/descriptor.h"

namespace kite::x86 {

namespace {

constexpr u64 kRf = 0x10000;
constexpr u64 kVm = 0x20000;
constexpr u64 kNt = 0x4000;

// The error code of a fault on IDT entry `vector` (IDT bit set).
u32 idt_error(u8 vector) {
    return u32{vector} * 8 + 2;
}

bool contributory(u8 v) {
    return v == 0 || (v >= 10 && v <= 13);
}

// One attempt at delivering `vector`; false with c.fault set when the
// delivery itself faulted (nothing in the state has changed then).
bool try_deliver(Core& c, u8 vector, std::optional<u32> error_code, bool software) {
    CpuState& st = c.st;
    if (u32{vector} * 16 + 15 > st.idtr.limit)
        return c.raise(Exception::gp(idt_error(vector)));
    u64 gate[2] = {};
    if (!c.read(st.idtr.base + u64{vector} * 16, gate, 16))
        return false;
    const u8 type = static_cast<u8>((gate[0] >> 40) & 0x1f);
    const u8 gate_dpl = static_cast<u8>((gate[0] >> 45) & 3);
    if (type != 0x0e && type != 0x0f)
        return c.raise(Exception::gp(idt_error(vector)));
    if (software && gate_dpl < st.cpl())
        return c.raise(Exception::gp(idt_error(vector)));
    if ((gate[0] & (u64{1} << 47)) == 0)
        return c.raise(Exception{.vector = Vector::NP, .error_code = idt_error(vector)});
    const u16 selector = static_cast<u16>(gate[0] >> 16);
    const u8 ist = static_cast<u8>((gate[0] >> 32) & 7);
    const u64 target = (gate[0] & 0xffff) | (((gate[0] >> 48) & 0xffff) << 16) | (gate[1] << 32);

    Descriptor cs;
    if (!read_descriptor(c, selector, cs))
        return false;
    if (!cs.code() || !cs.long_mode() || cs.dpl() > st.cpl())
        return c.raise(Exception::gp(selector & ~u32{3}));
    if (!cs.present())
        return c.raise(Exception{.vector = Vector::NP, .error_code = selector & ~u32{3}});
    const u8 new_cpl = cs.dpl();

    u64 rsp = st.gpr[RSP];
    if (ist != 0 || new_cpl < st.cpl()) {
        const u64 slot = ist != 0 ? 0x24 + u64{ist - 1u} * 8 : 4 + u64{new_cpl} * 8;
        if (slot + 7 > st.tr.limit)
            return c.raise(Exception{.vector = Vector::TS, .error_code = st.tr.selector & ~u32{3}});
        if (!c.read_value(st.tr.base + slot, 8, rsp))
            return false;
    }
    rsp &= ~u64{15};
    const u64 frame[6] = {st.rip, st.seg[CS].selector, st.rflags, st.gpr[RSP], st.seg[SS].selector, 0};
    // Pushed from the top: SS, RSP, RFLAGS, CS, RIP, then the error code.
    const u64 pushes = error_code ? 6 : 5;
    const u64 new_rsp = rsp - pushes * 8;
    u64 image[6];
    if (error_code) {
        image[0] = *error_code;
        for (int i = 0; i < 5; ++i)
            image[i + 1] = frame[i];
    } else {
        for (int i = 0; i < 5; ++i)
            image[i] = frame[i];
    }
    if (!c.write(new_rsp, image, static_cast<u32>(pushes * 8), SS))
        return false;

    if (new_cpl != st.cpl())
        st.seg[SS] = Segment{.selector = new_cpl};
    st.seg[CS] = segment_from(static_cast<u16>((selector & ~3) | new_cpl), cs);
    st.gpr[RSP] = new_rsp;
    st.rip = target;
    st.rflags &= ~(flag::TF | kNt | kRf | kVm);
    if (type == 0x0e)
        st.rflags &= ~flag::IF;
    return true;
}

} // namespace

Delivery deliver(Core& c, const Exception& e) {
    u8 vector = static_cast<u8>(e.vector);
    std::optional<u32> error = e.error_code;
    bool software = e.software;
    if (e.vector == Vector::PF && !software)
        c.st.cr2 = e.fault_address;
    for (;;) {
        if (try_deliver(c, vector, error, software))
            return Delivery::Delivered;
        const u8 second = static_cast<u8>(c.fault.vector);
        if (vector == static_cast<u8>(Vector::DF))
            return Delivery::TripleFault;
        const bool first_pf = vector == static_cast<u8>(Vector::PF);
        const bool second_serious = contributory(second) || second == static_cast<u8>(Vector::PF);
        if ((contributory(vector) && contributory(second)) || (first_pf && second_serious)) {
            vector = static_cast<u8>(Vector::DF);
            error = 0;
        } else {
            // The fault met while delivering is handled instead.
            vector = second;
            error = c.fault.error_code;
            if (c.fault.vector == Vector::PF)
                c.st.cr2 = c.fault.fault_address;
        }
        software = false;
    }
}

} // namespace kite::x86
