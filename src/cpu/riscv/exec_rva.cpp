// A: LR/SC and AMOs. RAM is accessed through host atomics even though one hart
// would not need them, so several harts can share memory later. SC is a
// compare-and-swap against the value LR observed: with one hart that is exact;
// with several it is the usual approximation of a reservation.
#include "cpu/riscv/exec.h"

#include <algorithm>
#include <atomic>
#include <type_traits>

namespace kite::riscv {

namespace {

template <typename T>
u64 extend(T v) {
    if constexpr (sizeof(T) == 4)
        return sext32(v);
    else
        return v;
}

template <typename T>
u64 do_lr(Core& c, const DecodedInsn& d, u64 pc) {
    u64 paddr = 0;
    u8* host = c.atomic_target(c.st.x[d.rs1], sizeof(T), Access::Load, paddr);
    if (host == nullptr)
        return kTrapPc;
    const T v = std::atomic_ref<T>(*reinterpret_cast<T*>(host)).load(std::memory_order_acquire);
    c.resv_valid = true;
    c.resv_addr = paddr;
    c.resv_value = v;
    c.resv_size = sizeof(T);
    c.st.x[d.rd] = extend(v);
    return next_pc(d, pc);
}

template <typename T>
u64 do_sc(Core& c, const DecodedInsn& d, u64 pc) {
    u64 paddr = 0;
    u8* host = c.atomic_target(c.st.x[d.rs1], sizeof(T), Access::Store, paddr);
    if (host == nullptr)
        return kTrapPc;
    bool ok = c.resv_valid && c.resv_addr == paddr && c.resv_size == sizeof(T);
    if (ok) {
        T expected = static_cast<T>(c.resv_value);
        ok = std::atomic_ref<T>(*reinterpret_cast<T*>(host))
                 .compare_exchange_strong(expected, static_cast<T>(c.st.x[d.rs2]), std::memory_order_acq_rel);
    }
    c.resv_valid = false; // an SC always ends the reservation
    c.st.x[d.rd] = ok ? 0 : 1;
    return next_pc(d, pc);
}

template <typename T, typename Fn>
u64 do_amo(Core& c, const DecodedInsn& d, u64 pc, Fn fn) {
    u64 paddr = 0;
    u8* host = c.atomic_target(c.st.x[d.rs1], sizeof(T), Access::Store, paddr);
    if (host == nullptr)
        return kTrapPc;
    const T operand = static_cast<T>(c.st.x[d.rs2]);
    std::atomic_ref<T> ref(*reinterpret_cast<T*>(host));
    T old = ref.load(std::memory_order_relaxed);
    while (!ref.compare_exchange_weak(old, fn(old, operand), std::memory_order_acq_rel)) {
    }
    c.st.x[d.rd] = extend(old);
    return next_pc(d, pc);
}

template <typename T>
using Signed = std::make_signed_t<T>;

template <typename T>
T smin(T a, T b) {
    return static_cast<Signed<T>>(a) < static_cast<Signed<T>>(b) ? a : b;
}
template <typename T>
T smax(T a, T b) {
    return static_cast<Signed<T>>(a) > static_cast<Signed<T>>(b) ? a : b;
}

} // namespace

KITE_RV_HANDLER(LrW) {
    return do_lr<u32>(c, d, pc);
}
KITE_RV_HANDLER(LrD) {
    return do_lr<u64>(c, d, pc);
}
KITE_RV_HANDLER(ScW) {
    return do_sc<u32>(c, d, pc);
}
KITE_RV_HANDLER(ScD) {
    return do_sc<u64>(c, d, pc);
}

// Each AMO in both widths: the .w handler on u32, the .d one on u64.
#define KITE_RV_AMO(name_w, name_d, expr)                                                                    \
    KITE_RV_HANDLER(name_w) {                                                                                \
        return do_amo<u32>(c, d, pc, [](u32 a, u32 b) -> u32 { return (expr); });                            \
    }                                                                                                        \
    KITE_RV_HANDLER(name_d) {                                                                                \
        return do_amo<u64>(c, d, pc, [](u64 a, u64 b) -> u64 { return (expr); });                            \
    }

KITE_RV_AMO(AmoswapW, AmoswapD, (static_cast<void>(a), b))
KITE_RV_AMO(AmoaddW, AmoaddD, a + b)
KITE_RV_AMO(AmoxorW, AmoxorD, a ^ b)
KITE_RV_AMO(AmoandW, AmoandD, (a & b))
KITE_RV_AMO(AmoorW, AmoorD, a | b)
KITE_RV_AMO(AmominW, AmominD, smin(a, b))
KITE_RV_AMO(AmomaxW, AmomaxD, smax(a, b))
KITE_RV_AMO(AmominuW, AmominuD, std::min(a, b))
KITE_RV_AMO(AmomaxuW, AmomaxuD, std::max(a, b))

#undef KITE_RV_AMO

} // namespace kite::riscv
