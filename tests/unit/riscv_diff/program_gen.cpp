#include "program_gen.h"

#include "boot/byte_io.h"
#include "rv_encode.h"
#include "rvc_encode.h"
#include "zb_model.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <random>
#include <utility>

namespace kite::riscv::diff {

namespace {

namespace enc = test::enc;
namespace cenc = test::cenc;

// Deterministic on every platform: only the raw mt19937_64 output is used
// (the standard distributions are implementation-defined).
class Rng {
public:
    explicit Rng(u64 seed) : m_engine(seed) {}
    u64 next() { return m_engine(); }
    u32 below(u32 n) { return static_cast<u32>(next() % n); }
    bool percent(u32 p) { return below(100) < p; }
    template <typename T, std::size_t N>
    T pick(const std::array<T, N>& items) {
        return items[below(N)];
    }

private:
    std::mt19937_64 m_engine;
};

constexpr u64 sext32(u64 v) {
    return static_cast<u64>(static_cast<i64>(static_cast<i32>(static_cast<u32>(v))));
}

u64 interesting_x(Rng& rng) {
    switch (rng.below(14)) {
    case 0:
        return 0;
    case 1:
        return ~u64{0};
    case 2:
        return u64{1} << 63; // INT64_MIN
    case 3:
        return ~(u64{1} << 63); // INT64_MAX
    case 4:
        return sext32(0x80000000); // INT32_MIN
    case 5:
        return 0x7fffffff; // INT32_MAX
    case 6:
        return 0x80000000;
    case 7:
        return 0xffffffff;
    case 8:
        return static_cast<u64>(static_cast<i64>(rng.below(33)) - 16);
    case 9:
        return (u64{1} << rng.below(64)) + rng.below(3) - 1;
    case 10:
        return sext32(rng.next());
    case 11:
        return rng.next() & 0xffffffff;
    default:
        return rng.next();
    }
}

u32 interesting_s(Rng& rng) {
    const u32 sign = rng.percent(50) ? 0x80000000u : 0;
    const u32 mant = static_cast<u32>(rng.next()) & 0x7fffff;
    u32 bits = 0;
    switch (rng.below(18)) {
    case 0: // +-0
        break;
    case 1: // +-inf
        bits = 0x7f800000;
        break;
    case 2: // the canonical NaN
        return 0x7fc00000;
    case 3: // quiet NaN with a payload
        bits = 0x7fc00000 | mant;
        break;
    case 4: // signalling NaN
        bits = 0x7f800000 | ((mant & 0x3fffff) != 0 ? mant & 0x3fffff : 1);
        break;
    case 5: // subnormal
        bits = mant != 0 ? mant : 1;
        break;
    case 6: // smallest / largest subnormal
        bits = rng.percent(50) ? 1 : 0x7fffff;
        break;
    case 7: // smallest / largest normal
        bits = rng.percent(50) ? 0x00800000 : 0x7f7fffff;
        break;
    case 8: // small integers and halves: exact conversions, rounding ties
        bits = std::bit_cast<u32>(static_cast<float>(rng.below(64)) / (rng.percent(50) ? 1.0f : 2.0f));
        break;
    case 9: { // around the integer conversion limits 2^31, 2^32, 2^63, 2^64
        constexpr std::array<u32, 6> kExp{30, 31, 32, 62, 63, 64};
        constexpr std::array<u32, 3> kMant{0, 1, 0x7fffff};
        bits = ((127 + rng.pick(kExp)) << 23) | (rng.percent(50) ? mant : rng.pick(kMant));
        break;
    }
    case 10: // tiny normals: products and quotients underflow
        bits = ((1 + rng.below(24)) << 23) | mant;
        break;
    case 11: // huge normals: products and sums overflow
        bits = ((254 - rng.below(24)) << 23) | mant;
        break;
    case 12: // a few ulps either side of 1.0: times a value near the smallest normal,
             // the product is tiny before rounding but not after (tininess after rounding)
        bits = rng.percent(50) ? 0x3f800000 - 1 - rng.below(3) : 0x3f800000 + 1 + rng.below(3);
        break;
    case 13: // just above / just below the smallest normal
        bits = rng.percent(50) ? 0x00800000 + rng.below(4) : 0x007fff00 | (mant & 0xff);
        break;
    default: // moderate normals
        bits = ((127 - 24 + rng.below(48)) << 23) | mant;
        break;
    }
    return sign | bits;
}

u64 interesting_d(Rng& rng) {
    constexpr u64 kMantMask = (u64{1} << 52) - 1;
    const u64 sign = rng.percent(50) ? u64{1} << 63 : 0;
    const u64 mant = rng.next() & kMantMask;
    auto with_exp = [&](u64 exp) { return (exp << 52) | mant; };
    u64 bits = 0;
    switch (rng.below(20)) {
    case 0:
        break;
    case 1:
        bits = 0x7ff0000000000000;
        break;
    case 2:
        return 0x7ff8000000000000;
    case 3:
        bits = 0x7ff8000000000000 | mant;
        break;
    case 4: {
        const u64 payload = mant & (kMantMask >> 1);
        bits = 0x7ff0000000000000 | (payload != 0 ? payload : 1);
        break;
    }
    case 5:
        bits = mant != 0 ? mant : 1;
        break;
    case 6:
        bits = rng.percent(50) ? 1 : kMantMask;
        break;
    case 7:
        bits = rng.percent(50) ? 0x0010000000000000 : 0x7fefffffffffffff;
        break;
    case 8:
        bits = std::bit_cast<u64>(static_cast<double>(rng.below(64)) / (rng.percent(50) ? 1.0 : 2.0));
        break;
    case 9: {
        constexpr std::array<u64, 6> kExp{30, 31, 32, 62, 63, 64};
        constexpr std::array<u64, 3> kMant{0, 1, kMantMask};
        bits = ((1023 + rng.pick(kExp)) << 52) | (rng.percent(50) ? mant : rng.pick(kMant));
        break;
    }
    case 10:
        bits = with_exp(1 + rng.below(53));
        break;
    case 11:
        bits = with_exp(2046 - rng.below(53));
        break;
    case 12: // below the single-precision normal range: fcvt.s.d underflows
        bits = with_exp(1023 - 150 + rng.below(26));
        break;
    case 13: // around the single-precision maximum: fcvt.s.d overflows
        bits = with_exp(1023 + 126 + rng.below(4));
        break;
    case 15: // a few ulps either side of 1.0
        bits =
            rng.percent(50) ? 0x3ff0000000000000 - 1 - rng.below(3) : 0x3ff0000000000000 + 1 + rng.below(3);
        break;
    case 16: // just above / just below the smallest normal
        bits = rng.percent(50) ? 0x0010000000000000 + rng.below(4) : 0x000fffffffffff00 | (mant & 0xff);
        break;
    case 17: // just below the smallest single normal: fcvt.s.d rounds up to it or not
        bits = 0x380fffffe0000000 | (mant & 0x1fffffff);
        break;
    case 14: { // a single widened: fcvt.s.d is exact
        const u32 s = interesting_s(rng);
        bits = std::bit_cast<u64>(static_cast<double>(std::bit_cast<float>(s)));
        if ((s & 0x7fffffff) > 0x7f800000)
            bits = 0x7ff8000000000000; // keep NaNs quiet and canonical
        return bits;
    }
    default:
        bits = with_exp(1023 - 60 + rng.below(120));
        break;
    }
    return sign | bits;
}

i32 interesting_imm12(Rng& rng) {
    switch (rng.below(6)) {
    case 0:
        return 0;
    case 1:
        return -1;
    case 2:
        return -2048;
    case 3:
        return 2047;
    case 4:
        return static_cast<i32>(rng.below(33)) - 16;
    default:
        return static_cast<i32>(rng.below(4096)) - 2048;
    }
}

constexpr u32 kOp = 0x33;
constexpr u32 kOp32 = 0x3b;
constexpr u32 kOpImm = 0x13;

u32 fma(u32 opcode, u32 fmt, u32 rm, u32 rd, u32 rs1, u32 rs2, u32 rs3) {
    return (rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode;
}

class Generator {
public:
    Generator(u64 seed, Mix mix) : m_rng(seed), m_mix(mix) {}

    TestCase run(u64 seed) {
        m_tc.seed = seed;
        init_state();
        const std::size_t length = 32 + m_rng.below(33);
        while (m_tc.code.size() < length)
            gen_one();
        resolve_fixups();
        return std::move(m_tc);
    }

private:
    // A control transfer's offset, patched in once the layout is known: the
    // address of instruction `target` (the first one at or after it that is
    // not inside a group; code.size() is the end) minus the address of
    // instruction `anchor`, plus `add`, encoded into instruction `at`.
    struct Fixup {
        std::size_t at;
        std::size_t target;
        std::size_t anchor;
        i32 add;
        i32 min, max; // the encodable offsets
        std::function<u32(i32)> encode;
    };

    // Instructions that belong together (a pointer set-up and its access, an
    // auipc and its jalr): a branch never lands inside one.
    class Group {
    public:
        explicit Group(Generator& gen) : m_gen(gen), m_outer(gen.m_in_group) {
            if (!m_outer) {
                gen.m_in_group = true;
                gen.m_group_start = gen.m_tc.code.size();
            }
        }
        ~Group() {
            if (!m_outer)
                m_gen.m_in_group = false;
        }
        Group(const Group&) = delete;
        Group& operator=(const Group&) = delete;

    private:
        Generator& m_gen;
        bool m_outer;
    };

    // Whether the next instruction may be skipped by a branch already emitted.
    bool in_shadow() const {
        return m_tc.code.size() < m_shadow_end || (m_in_group && m_group_start < m_shadow_end);
    }

    void push(GenInsn insn) {
        insn.shadow = in_shadow();
        m_joinable.push_back(!m_in_group || m_tc.code.size() == m_group_start);
        m_tc.code.push_back(insn);
    }
    void drop_last() {
        m_tc.code.pop_back();
        m_joinable.pop_back();
    }

    // The branch or jump just emitted (or about to be, at `jump`) skips the
    // next `skip` instructions.
    void jump_over(std::size_t jump, std::size_t skip, std::size_t at, std::size_t anchor, i32 add, i32 min,
                   i32 max, std::function<u32(i32)> encode) {
        const std::size_t target = jump + 1 + skip;
        m_fixups.push_back(Fixup{at, target, anchor, add, min, max, std::move(encode)});
        m_shadow_end = std::max(m_shadow_end, target);
    }

    void resolve_fixups() {
        const std::size_t n = m_tc.code.size();
        std::vector<i64> addr(n + 1, 0);
        for (std::size_t i = 0; i < n; ++i)
            addr[i + 1] = addr[i] + m_tc.code[i].size;
        for (const Fixup& f : m_fixups) {
            std::size_t t = f.target;
            while (t < n && !m_joinable[t])
                ++t;
            t = std::min(t, n);
            const i64 offset = addr[t] - addr[f.anchor] + f.add;
            GenInsn& insn = m_tc.code[f.at];
            // Out of range cannot happen with the short skips generated; a nop keeps it harmless.
            insn.raw = offset >= f.min && offset <= f.max ? f.encode(static_cast<i32>(offset))
                                                          : nop_of_size(insn.size);
        }
    }

    void init_state() {
        ArchState& s = m_tc.init;
        for (u32 r = 1; r < 31; ++r)
            s.x[r] = interesting_x(m_rng);
        s.x[kBaseReg] = kBaseValue;
        for (u32 r = 0; r < 32; ++r) {
            m_ftype[r] = m_rng.percent(50) ? FpType::Single : FpType::Double;
            s.f[r] = m_ftype[r] == FpType::Single ? 0xffffffff00000000 | interesting_s(m_rng)
                                                  : interesting_d(m_rng);
        }
        m_tc.init_ftype = m_ftype;
        s.fflags = m_rng.percent(90) ? 0 : static_cast<u8>(m_rng.below(32));
        s.frm = static_cast<u8>(m_rng.below(5));
        s.data.resize(kDataSize);
        for (std::size_t off = 0; off < kDataSize; off += 8) {
            u64 word = 0;
            switch (m_rng.below(7)) {
            case 0:
            case 1:
            case 2:
                word = m_rng.next();
                break;
            case 3:
            case 4:
                word = interesting_x(m_rng);
                break;
            case 5:
                word = interesting_d(m_rng);
                break;
            default:
                word = (u64{interesting_s(m_rng)} << 32) | interesting_s(m_rng);
                break;
            }
            for (int b = 0; b < 8; ++b)
                s.data[off + b] = static_cast<u8>(word >> (8 * b));
        }
    }

    void gen_one() {
        u32 roll = m_rng.below(100);
        auto take = [&roll](u32 weight) {
            if (roll < weight)
                return true;
            roll -= weight;
            return false;
        };
        switch (m_mix) {
        case Mix::IntegerAndM:
            if (take(55))
                return gen_alu();
            return gen_m();
        case Mix::MemoryAndAtomics:
            if (take(40))
                return gen_mem();
            if (take(30))
                return gen_atomic();
            if (take(10))
                return gen_fp_mem();
            return gen_alu();
        case Mix::FloatingPoint:
            if (take(85))
                return gen_fp();
            if (take(8))
                return gen_fp_mem();
            return gen_alu();
        case Mix::Everything:
            if (take(25))
                return gen_alu();
            if (take(15))
                return gen_m();
            if (take(15))
                return gen_mem();
            if (take(10))
                return gen_atomic();
            if (take(10))
                return gen_fp_mem();
            return gen_fp();
        case Mix::Compressed:
            if (take(55))
                return gen_compressed();
            if (take(10))
                return gen_control(true);
            if (take(20))
                return gen_alu();
            return gen_mem();
        case Mix::Bitmanip:
            if (take(75))
                return gen_zb();
            return gen_alu();
        case Mix::ControlFlow:
            if (take(35))
                return gen_control(m_rng.percent(30));
            if (take(35))
                return gen_alu();
            if (take(10))
                return gen_m();
            if (take(10))
                return gen_compressed();
            return gen_mem();
        case Mix::All:
            if (take(16))
                return gen_alu();
            if (take(8))
                return gen_m();
            if (take(10))
                return gen_mem();
            if (take(6))
                return gen_atomic();
            if (take(6))
                return gen_fp_mem();
            if (take(16))
                return gen_fp();
            if (take(14))
                return gen_compressed();
            if (take(12))
                return gen_zb();
            return gen_control(m_rng.percent(30));
        }
    }

    void emit(u32 raw) { push(GenInsn{raw}); }
    void emit16(u32 raw) { push(GenInsn{.raw = raw, .size = 2}); }
    // False (nothing emitted) when the instruction would change an FP
    // register's type where a branch may skip it.
    bool emit_fp(const GenInsn& insn) {
        if (insn.f_dst >= 0 && in_shadow() && m_ftype[insn.f_dst] != insn.dst_type)
            return false;
        push(insn);
        if (insn.f_dst >= 0)
            m_ftype[insn.f_dst] = insn.dst_type;
        return true;
    }

    bool writable(u32 r) const { return r != 0 && (m_reserved & (u64{1} << r)) == 0; }
    // A destination: usually x1..x30, sometimes x0; never a reserved register.
    u32 pick_rd() {
        if (m_rng.percent(4))
            return 0;
        return pick_writable();
    }
    u32 pick_writable() {
        for (;;) {
            const u32 r = 1 + m_rng.below(31);
            if (writable(r))
                return r;
        }
    }
    u32 pick_rs() { return m_rng.below(32); }
    // A source register of the given type, or -1 when there is none.
    int pick_f(FpType type) {
        std::array<u8, 32> candidates{};
        u32 n = 0;
        for (u32 r = 0; r < 32; ++r)
            if (type == FpType::Any || m_ftype[r] == type)
                candidates[n++] = static_cast<u8>(r);
        return n == 0 ? -1 : candidates[m_rng.below(n)];
    }
    u32 pick_fd() { return m_rng.below(32); }
    u32 pick_rm() {
        constexpr std::array<u32, 6> kRm{0, 1, 2, 3, 4, 7}; // RNE RTZ RDN RUP RMM DYN
        return m_rng.percent(25) ? 0 : m_rng.pick(kRm);
    }

    // Loads an interesting 64-bit value into r with one or two instructions.
    void materialize(u32 r) {
        switch (m_rng.below(8)) {
        case 0:
            emit(enc::addi(r, 0, interesting_imm12(m_rng)));
            break;
        case 1: // INT64_MIN
            emit(enc::addi(r, 0, 1));
            emit(enc::slli(r, r, 63));
            break;
        case 2: // INT64_MAX
            emit(enc::addi(r, 0, -1));
            emit(enc::srli(r, r, 1));
            break;
        case 3: // INT32_MIN
            emit(enc::lui(r, 0x80000));
            break;
        case 4: // INT32_MAX
            emit(enc::lui(r, 0x80000));
            emit(enc::addiw(r, r, -1));
            break;
        case 5: // 0xffffffff
            emit(enc::addi(r, 0, -1));
            emit(enc::srli(r, r, 32));
            break;
        case 6: // 0x80000000
            emit(enc::addi(r, 0, 1));
            emit(enc::slli(r, r, 31));
            break;
        default:
            emit(enc::lui(r, static_cast<u32>(m_rng.next()) & 0xfffff));
            emit(enc::addiw(r, r, interesting_imm12(m_rng)));
            break;
        }
    }
    // A source register, freshly loaded with an interesting value `percent` % of the time.
    u32 pick_rs_biased(u32 percent) {
        if (!m_rng.percent(percent))
            return pick_rs();
        const u32 r = pick_writable();
        materialize(r);
        return r;
    }

    void gen_alu() {
        switch (m_rng.below(5)) {
        case 0:
        case 1: {
            struct RType {
                u32 opcode, f3, f7;
            };
            constexpr std::array<RType, 15> kOps{{{kOp, 0, 0},
                                                  {kOp, 0, 0x20},
                                                  {kOp, 1, 0},
                                                  {kOp, 2, 0},
                                                  {kOp, 3, 0},
                                                  {kOp, 4, 0},
                                                  {kOp, 5, 0},
                                                  {kOp, 5, 0x20},
                                                  {kOp, 6, 0},
                                                  {kOp, 7, 0},
                                                  {kOp32, 0, 0},
                                                  {kOp32, 0, 0x20},
                                                  {kOp32, 1, 0},
                                                  {kOp32, 5, 0},
                                                  {kOp32, 5, 0x20}}};
            const RType op = m_rng.pick(kOps);
            emit(enc::r(op.opcode, op.f3, op.f7, pick_rd(), pick_rs(), pick_rs()));
            break;
        }
        case 2: {
            const u32 rd = pick_rd();
            const u32 rs1 = pick_rs();
            switch (m_rng.below(10)) {
            case 0:
                emit(enc::slli(rd, rs1, m_rng.below(64)));
                break;
            case 1:
                emit(enc::srli(rd, rs1, m_rng.below(64)));
                break;
            case 2:
                emit(enc::srai(rd, rs1, m_rng.below(64)));
                break;
            case 3:
                emit(enc::addiw(rd, rs1, interesting_imm12(m_rng)));
                break;
            case 4:
                emit(enc::slliw(rd, rs1, m_rng.below(32)));
                break;
            case 5:
                emit(enc::srliw(rd, rs1, m_rng.below(32)));
                break;
            case 6:
                emit(enc::sraiw(rd, rs1, m_rng.below(32)));
                break;
            default: {
                constexpr std::array<u32, 6> kF3{0, 2, 3, 4, 6, 7}; // addi slti sltiu xori ori andi
                emit(enc::i(kOpImm, m_rng.pick(kF3), rd, rs1, interesting_imm12(m_rng)));
                break;
            }
            }
            break;
        }
        case 3: {
            constexpr std::array<u32, 5> kImm{0, 0x80000, 0xfffff, 0x7ffff, 1};
            const u32 imm = m_rng.percent(50) ? m_rng.pick(kImm) : static_cast<u32>(m_rng.next()) & 0xfffff;
            emit(m_rng.percent(50) ? enc::lui(pick_rd(), imm) : enc::auipc(pick_rd(), imm));
            break;
        }
        default:
            materialize(pick_writable());
            break;
        }
    }

    void gen_m() {
        const bool word = m_rng.percent(40);
        constexpr std::array<u32, 5> kWordF3{0, 4, 5, 6, 7}; // mulw divw divuw remw remuw
        const u32 f3 = word ? m_rng.pick(kWordF3) : m_rng.below(8);
        const u32 rs1 = pick_rs_biased(40);
        const u32 rs2 = m_rng.percent(10) ? rs1 : pick_rs_biased(50);
        emit(enc::m_op(f3, pick_rd(), rs1, rs2, word));
    }

    // A buffer offset for an access of `size` bytes, naturally aligned
    // `aligned_percent` % of the time.
    u32 buffer_offset(u32 size, u32 aligned_percent) {
        if (m_rng.percent(aligned_percent))
            return m_rng.below(kDataSize / size) * size;
        return m_rng.below(kDataSize - size + 1);
    }
    // The immediate that addresses buffer byte `off` from x31.
    static i32 imm_for(u32 off) { return static_cast<i32>(off) - 2048; }

    // Base register and 12-bit offset for an access to buffer byte `off`:
    // usually x31 itself, sometimes a pointer derived from it.
    std::pair<u32, i32> address(u32 off) {
        if (m_rng.percent(80))
            return {kBaseReg, imm_for(off)};
        const u32 base = pick_writable();
        // base = x31 + delta with delta chosen so that off - 2048 - delta fits in 12 bits.
        const i32 lo = std::max(-2048, imm_for(off) - 2047);
        const i32 hi = std::min(2047, imm_for(off) + 2048);
        const i32 delta = lo + static_cast<i32>(m_rng.below(static_cast<u32>(hi - lo + 1)));
        emit(enc::addi(base, kBaseReg, delta));
        return {base, imm_for(off) - delta};
    }

    void gen_mem() {
        const Group group(*this);
        const u32 log_size = m_rng.below(4);
        const u32 size = 1u << log_size;
        const auto [base, imm] = address(buffer_offset(size, 75));
        if (m_rng.percent(55)) {
            const bool is_unsigned = log_size < 3 && m_rng.percent(40);
            emit(enc::i(0x03, log_size | (is_unsigned ? 4 : 0), pick_rd(), base, imm));
        } else {
            emit(enc::s(0x23, log_size, base, pick_rs(), imm));
        }
    }

    void gen_fp_mem() {
        const Group group(*this);
        const bool dword = m_rng.percent(50);
        const u32 size = dword ? 8 : 4;
        const bool load = m_rng.percent(50);
        const int src = load ? -1 : pick_f(dword ? FpType::Double : FpType::Any);
        if (!load && src < 0)
            return;
        const auto [base, imm] = address(buffer_offset(size, 75));
        if (load) {
            const u32 fd = pick_fd();
            GenInsn g{dword ? enc::fld(fd, base, imm) : enc::flw(fd, base, imm)};
            g.f_dst = static_cast<i8>(fd);
            g.dst_type = dword ? FpType::Double : FpType::Single;
            emit_fp(g);
        } else {
            const u32 fs = static_cast<u32>(src);
            GenInsn g{dword ? enc::fsd(fs, base, imm) : enc::fsw(fs, base, imm)};
            g.f_src[0] = static_cast<i8>(fs);
            g.src_type = dword ? FpType::Double : FpType::Any;
            emit_fp(g);
        }
    }

    // x = x31 + a naturally aligned offset of an access of `size` bytes.
    u32 aligned_pointer(u32 size, u32& off) {
        const u32 r = pick_writable();
        off = m_rng.below(kDataSize / size) * size;
        emit(enc::addi(r, kBaseReg, imm_for(off)));
        return r;
    }

    void gen_atomic() {
        const Group group(*this);
        const bool dword = m_rng.percent(50);
        const u32 size = dword ? 8 : 4;
        const u32 aqrl = m_rng.below(4) << 25;
        const u64 saved_reserved = m_reserved;
        auto reserve = [this](u32 r) { m_reserved |= u64{1} << r; };
        if (m_rng.percent(70)) {
            constexpr std::array<u32, 9> kAmo{enc::amo5::Swap, enc::amo5::Add,  enc::amo5::Xor,
                                              enc::amo5::And,  enc::amo5::Or,   enc::amo5::Min,
                                              enc::amo5::Max,  enc::amo5::Minu, enc::amo5::Maxu};
            const u32 rs2 = pick_rs_biased(30);
            reserve(rs2);
            u32 off = 0;
            const u32 ptr = aligned_pointer(size, off);
            m_reserved = saved_reserved;
            emit(enc::amo(m_rng.pick(kAmo), dword, pick_rd(), ptr, rs2) | aqrl);
            return;
        }
        // LR, a few ALU instructions that keep the pointer, then SC: to the
        // same address (succeeds) or to one in another 64-byte block (fails).
        // Stores to the reserved address in between are left out: whether
        // they break the reservation is implementation-defined.
        u32 off = 0;
        const u32 ptr = aligned_pointer(size, off);
        reserve(ptr);
        emit((dword ? enc::lr_d(pick_rd(), ptr) : enc::lr_w(pick_rd(), ptr)) | aqrl);
        for (u32 n = m_rng.below(4); n > 0; --n)
            gen_alu();
        const u32 rs2 = m_rng.percent(30) ? pick_rs_biased(100) : pick_rs();
        reserve(rs2);
        u32 sc_ptr = ptr;
        if (m_rng.percent(20)) {
            u32 other = 0;
            do {
                sc_ptr = aligned_pointer(size, other);
                drop_last(); // re-pick until the block differs
            } while (other / 64 == off / 64);
            emit(enc::addi(sc_ptr, kBaseReg, imm_for(other)));
            reserve(sc_ptr);
        }
        const u32 rd = pick_rd();
        m_reserved = saved_reserved;
        emit((dword ? enc::sc_d(rd, sc_ptr, rs2) : enc::sc_w(rd, sc_ptr, rs2)) | aqrl);
    }

    // An FP instruction reading `nsrc` registers of type `src` (given) and
    // writing fd with type `dst` (or an x register when fd < 0).
    void emit_fp_op(u32 raw, std::array<int, 3> srcs, FpType src, int fd, FpType dst) {
        GenInsn g{raw};
        for (int k = 0; k < 3; ++k)
            g.f_src[k] = static_cast<i8>(srcs[k]);
        g.src_type = src;
        g.f_dst = static_cast<i8>(fd);
        g.dst_type = dst;
        emit_fp(g);
    }

    void gen_fp() {
        const bool dbl = m_rng.percent(50);
        const u32 fmt = dbl ? 1 : 0;
        const FpType type = dbl ? FpType::Double : FpType::Single;
        const int a = pick_f(type);
        const int b = m_rng.percent(8) ? a : pick_f(type);
        const int c = pick_f(type);
        const u32 fd = pick_fd();
        const u32 ua = static_cast<u32>(a);
        const u32 ub = static_cast<u32>(b);
        const u32 uc = static_cast<u32>(c);
        const u32 roll = m_rng.below(100);
        if (roll < 40 && a < 0)
            return;      // needs sources of this type and there are none: try again
        if (roll < 18) { // fadd fsub fmul fdiv
            constexpr std::array<u32, 4> kF7{0x00, 0x04, 0x08, 0x0c};
            emit_fp_op(enc::fp(m_rng.pick(kF7) | fmt, pick_rm(), fd, ua, ub), {a, b, -1}, type,
                       static_cast<int>(fd), type);
        } else if (roll < 23) { // fsqrt
            emit_fp_op(enc::fp(0x2c | fmt, pick_rm(), fd, ua, 0), {a, -1, -1}, type, static_cast<int>(fd),
                       type);
        } else if (roll < 36) { // fmadd fmsub fnmsub fnmadd
            constexpr std::array<u32, 4> kOpc{0x43, 0x47, 0x4b, 0x4f};
            emit_fp_op(fma(m_rng.pick(kOpc), fmt, pick_rm(), fd, ua, ub, uc), {a, b, c}, type,
                       static_cast<int>(fd), type);
        } else if (roll < 40) { // fsgnj fsgnjn fsgnjx
            emit_fp_op(enc::fp(0x10 | fmt, m_rng.below(3), fd, ua, ub), {a, b, -1}, type,
                       static_cast<int>(fd), type);
        } else if (roll < 48) { // fmin fmax
            if (a < 0)
                return;
            emit_fp_op(enc::fp(0x14 | fmt, m_rng.below(2), fd, ua, ub), {a, b, -1}, type,
                       static_cast<int>(fd), type);
        } else if (roll < 56) { // fle flt feq
            if (a < 0)
                return;
            emit_fp_op(enc::fp(0x50 | fmt, m_rng.below(3), pick_rd(), ua, ub), {a, b, -1}, type, -1, type);
        } else if (roll < 61) { // fclass
            if (a < 0)
                return;
            emit_fp_op(enc::fp(0x70 | fmt, 1, pick_rd(), ua, 0), {a, -1, -1}, type, -1, type);
        } else if (roll < 71) { // fcvt.{w,wu,l,lu}.{s,d}
            if (a < 0)
                return;
            emit_fp_op(enc::fp(0x60 | fmt, pick_rm(), pick_rd(), ua, m_rng.below(4)), {a, -1, -1}, type, -1,
                       type);
        } else if (roll < 81) { // fcvt.{s,d}.{w,wu,l,lu}
            const u32 rs1 = pick_rs_biased(40);
            emit_fp_op(enc::fp(0x68 | fmt, pick_rm(), fd, rs1, m_rng.below(4)), {-1, -1, -1}, FpType::Any,
                       static_cast<int>(fd), type);
        } else if (roll < 89) { // fcvt.s.d / fcvt.d.s
            const FpType from = dbl ? FpType::Single : FpType::Double;
            const int src = pick_f(from);
            if (src < 0)
                return;
            emit_fp_op(enc::fp(0x20 | fmt, pick_rm(), fd, static_cast<u32>(src), dbl ? 0 : 1), {src, -1, -1},
                       from, static_cast<int>(fd), type);
        } else if (roll < 94) { // fmv.x.w (any register: raw low bits) / fmv.x.d
            const int src = pick_f(dbl ? FpType::Double : FpType::Any);
            if (src < 0)
                return;
            emit_fp_op(enc::fp(0x70 | fmt, 0, pick_rd(), static_cast<u32>(src), 0), {src, -1, -1},
                       dbl ? FpType::Double : FpType::Any, -1, type);
        } else { // fmv.w.x / fmv.d.x
            emit_fp_op(enc::fp(0x78 | fmt, 0, fd, pick_rs(), 0), {-1, -1, -1}, FpType::Any,
                       static_cast<int>(fd), type);
        }
    }

    // A writable register among x8..x15 (the compressed register set).
    u32 pick_creg_writable() {
        for (;;) {
            const u32 r = 8 + m_rng.below(8);
            if (writable(r))
                return r;
        }
    }
    u32 pick_creg() { return 8 + m_rng.below(8); }
    i32 imm6() { return static_cast<i32>(m_rng.below(64)) - 32; }
    i32 nonzero_imm6() {
        const i32 v = imm6();
        return v != 0 ? v : 1;
    }
    u32 shamt6() {
        constexpr std::array<u32, 5> kEdges{1, 31, 32, 33, 63};
        return m_rng.percent(30) ? m_rng.pick(kEdges) : 1 + m_rng.below(63);
    }

    // RVC, except its jumps and branches (gen_control).
    void gen_compressed() {
        switch (m_rng.below(17)) {
        case 16:
            gen_compressed_hint();
            break;
        case 0:
            emit16(cenc::addi(pick_writable(), nonzero_imm6()));
            break;
        case 1:
            emit16(cenc::addiw(pick_writable(), imm6()));
            break;
        case 2:
            emit16(cenc::li(pick_writable(), imm6()));
            break;
        case 3: { // c.lui (rd = x2 would be c.addi16sp)
            u32 rd = pick_writable();
            if (rd == 2)
                rd = 3;
            emit16(cenc::lui(rd, nonzero_imm6()));
            break;
        }
        case 4:
            if (writable(2))
                emit16(cenc::addi16sp(16 * nonzero_imm6()));
            break;
        case 5:
            emit16(cenc::addi4spn(pick_creg_writable(), 4 * (1 + m_rng.below(255))));
            break;
        case 6: {
            const u32 rd = pick_creg_writable();
            switch (m_rng.below(3)) {
            case 0:
                emit16(cenc::srli(rd, shamt6()));
                break;
            case 1:
                emit16(cenc::srai(rd, shamt6()));
                break;
            default:
                emit16(cenc::andi(rd, imm6()));
                break;
            }
            break;
        }
        case 7: { // c.sub c.xor c.or c.and c.subw c.addw
            const bool word = m_rng.percent(35);
            emit16(cenc::ca(word, m_rng.below(word ? 2 : 4), pick_creg_writable(), pick_creg()));
            break;
        }
        case 8:
            emit16(cenc::slli(pick_writable(), shamt6()));
            break;
        case 9:
            emit16(cenc::mv(pick_writable(), 1 + m_rng.below(31)));
            break;
        case 10:
            emit16(cenc::add(pick_writable(), 1 + m_rng.below(31)));
            break;
        case 11:
        case 12:
        case 13:
            gen_compressed_mem(false);
            break;
        default:
            gen_compressed_mem(true);
            break;
        }
    }

    // The RVC HINTs: encodings that execute as instructions with no effect
    // (rd = x0, an immediate or shift amount of 0).
    void gen_compressed_hint() {
        switch (m_rng.below(9)) {
        case 0:
            emit16(cenc::addi(0, nonzero_imm6())); // c.nop with an immediate
            break;
        case 1:
            emit16(cenc::addi(pick_rs(), 0));
            break;
        case 2:
            emit16(cenc::li(0, imm6()));
            break;
        case 3:
            emit16(cenc::lui(0, nonzero_imm6()));
            break;
        case 4:
            emit16(cenc::mv(0, 1 + m_rng.below(31)));
            break;
        case 5:
            emit16(cenc::add(0, 1 + m_rng.below(31)));
            break;
        case 6:
            emit16(m_rng.percent(50) ? cenc::slli(0, shamt6()) : cenc::slli(pick_rs(), 0));
            break;
        case 7:
            emit16(m_rng.percent(50) ? cenc::srli(pick_creg(), 0) : cenc::srai(pick_creg(), 0));
            break;
        default:
            emit16(cenc::slli(0, 0));
            break;
        }
    }

    // c.lw c.ld c.sw c.sd c.fld c.fsd off a pointer in x8..x15, or the
    // x2-relative forms, with the base set up from x31 just before.
    void gen_compressed_mem(bool sp_relative) {
        const Group group(*this);
        if (sp_relative && !writable(2))
            return;
        const u32 kind = m_rng.below(6); // lw ld sw sd fld fsd
        const u32 size = kind == 0 || kind == 2 ? 4 : 8;
        const u32 max_uimm = sp_relative ? (size == 4 ? 252 : 504) : (size == 4 ? 124 : 248);
        const bool fp_store = kind == 5;
        const int fsrc = fp_store ? pick_f(FpType::Double) : -1;
        if (fp_store && fsrc < 0)
            return;
        if (fp_store && !sp_relative && (fsrc < 8 || fsrc > 15))
            return;
        const u32 off = buffer_offset(size, 75);
        const u32 uimm = size * m_rng.below(std::min(off, max_uimm) / size + 1);
        const u32 base = sp_relative ? 2 : pick_creg_writable();
        emit(enc::addi(base, kBaseReg, imm_for(off - uimm)));
        if (kind == 4 || kind == 5) {
            GenInsn g{.size = 2};
            if (kind == 4) {
                const u32 fd = sp_relative ? pick_fd() : pick_creg();
                g.raw = sp_relative ? cenc::fldsp(fd, uimm) : cenc::fld(fd, base, uimm);
                g.f_dst = static_cast<i8>(fd);
                g.dst_type = FpType::Double;
            } else {
                const u32 fs = static_cast<u32>(fsrc);
                g.raw = sp_relative ? cenc::fsdsp(fs, uimm) : cenc::fsd(fs, base, uimm);
                g.f_src[0] = static_cast<i8>(fs);
                g.src_type = FpType::Double;
            }
            emit_fp(g);
            return;
        }
        if (sp_relative) {
            switch (kind) {
            case 0:
                emit16(cenc::lwsp(pick_writable(), uimm));
                break;
            case 1:
                emit16(cenc::ldsp(pick_writable(), uimm));
                break;
            case 2:
                emit16(cenc::swsp(pick_rs(), uimm));
                break;
            default:
                emit16(cenc::sdsp(pick_rs(), uimm));
                break;
            }
            return;
        }
        switch (kind) {
        case 0:
            emit16(cenc::lw(pick_creg_writable(), base, uimm));
            break;
        case 1:
            emit16(cenc::ld(pick_creg_writable(), base, uimm));
            break;
        case 2:
            emit16(cenc::sw(pick_creg(), base, uimm));
            break;
        default:
            emit16(cenc::sd(pick_creg(), base, uimm));
            break;
        }
    }

    // One Zba/Zbb/Zbs instruction on interesting operands.
    void gen_zb() {
        const std::span<const ZbOp> ops = zb_ops();
        const ZbOp& op = ops[m_rng.below(static_cast<u32>(ops.size()))];
        const u32 rs1 = pick_rs_biased(40);
        u32 third = 0;
        switch (op.form) {
        case ZbForm::R:
            third = m_rng.percent(10) ? rs1 : pick_rs_biased(40);
            break;
        case ZbForm::Shift6:
            third = m_rng.percent(20) ? 0 : shamt6();
            break;
        case ZbForm::Shift5:
            third = m_rng.below(32);
            break;
        case ZbForm::Unary:
            break;
        }
        emit(zb_encode(op, pick_rd(), rs1, third));
    }

    // A forward branch or jump over the next 0..6 instructions: a
    // conditional branch, jal, or jalr to an address computed with auipc;
    // with `compressed`, c.beqz/c.bnez, c.j, c.jr or c.jalr instead.
    void gen_control(bool compressed) {
        const std::size_t skip = m_rng.below(7);
        const std::size_t at = m_tc.code.size();
        switch (m_rng.below(compressed ? 3 : 4) + (compressed ? 4 : 0)) {
        case 0:
        case 1: { // beq bne blt bge bltu bgeu
            constexpr std::array<u32, 6> kF3{0, 1, 4, 5, 6, 7};
            const u32 f3 = m_rng.pick(kF3);
            const u32 rs1 = pick_rs_biased(30);
            const u32 rs2 = m_rng.percent(15) ? rs1 : m_rng.percent(15) ? 0 : pick_rs_biased(30);
            const std::size_t b = m_tc.code.size();
            emit(enc::b(f3, rs1, rs2, 0));
            jump_over(b, skip, b, b, 0, -4096, 4094, [=](i32 off) { return enc::b(f3, rs1, rs2, off); });
            break;
        }
        case 2: { // jal
            const u32 rd = pick_rd();
            emit(enc::jal(rd, 0));
            jump_over(at, skip, at, at, 0, -(1 << 20), (1 << 20) - 2,
                      [=](i32 off) { return enc::jal(rd, off); });
            break;
        }
        case 3: { // auipc r, 0; [addi r, r, a;] jalr rd, imm(r)
            const Group group(*this);
            const u32 r = pick_writable();
            emit(enc::auipc(r, 0));
            i32 a = 0;
            if (m_rng.percent(50)) {
                a = static_cast<i32>(m_rng.below(129)) - 64;
                emit(enc::addi(r, r, a));
            }
            const u32 rd = m_rng.percent(20) ? r : pick_rd();
            const i32 odd = m_rng.percent(25) ? 1 : 0; // jalr clears bit 0 of the sum
            const std::size_t j = m_tc.code.size();
            emit(enc::jalr(rd, r, 0));
            jump_over(j, skip, j, at, odd - a, -2048, 2047, [=](i32 off) { return enc::jalr(rd, r, off); });
            break;
        }
        case 4: { // c.beqz c.bnez
            const bool eq = m_rng.percent(50);
            const u32 rs1 = pick_creg();
            emit16(cenc::beqz(rs1, 0));
            jump_over(at, skip, at, at, 0, -256, 254,
                      [=](i32 off) { return eq ? cenc::beqz(rs1, off) : cenc::bnez(rs1, off); });
            break;
        }
        case 5: // c.j
            emit16(cenc::j(0));
            jump_over(at, skip, at, at, 0, -2048, 2046, [](i32 off) { return cenc::j(off); });
            break;
        default: { // auipc r, 0; addi r, r, imm; c.jr r / c.jalr r (r = x1 too: read before the link)
            const Group group(*this);
            const bool link = m_rng.percent(50);
            const u32 r = link && writable(1) && m_rng.percent(30) ? 1 : pick_writable();
            emit(enc::auipc(r, 0));
            const std::size_t addi = m_tc.code.size();
            emit(enc::addi(r, r, 0));
            const std::size_t j = m_tc.code.size();
            emit16(link ? cenc::jalr(r) : cenc::jr(r));
            const i32 odd = m_rng.percent(25) ? 1 : 0;
            jump_over(j, skip, addi, at, odd, -2048, 2047, [=](i32 off) { return enc::addi(r, r, off); });
            break;
        }
        }
    }

    Rng m_rng;
    Mix m_mix;
    TestCase m_tc;
    std::array<FpType, 32> m_ftype{};
    u64 m_reserved{u64{1} << kBaseReg}; // registers no instruction may write

    std::vector<bool> m_joinable; // per instruction: a branch may land on it
    std::vector<Fixup> m_fixups;
    std::size_t m_shadow_end{0}; // instructions below this index may be skipped
    bool m_in_group{false};
    std::size_t m_group_start{0};
};

} // namespace

TestCase generate(u64 seed, Mix mix) {
    // Mix the class into the seed so each test has its own stream.
    Generator gen(seed * 0x9e3779b97f4a7c15 + static_cast<u64>(mix), mix);
    return gen.run(seed);
}

bool final_fp_types(const TestCase& tc, std::array<FpType, 32>& out) {
    out = tc.init_ftype;
    for (const GenInsn& insn : tc.code) {
        if (is_nop(insn))
            continue;
        if (insn.src_type != FpType::Any)
            for (i8 r : insn.f_src)
                if (r >= 0 && out[static_cast<u32>(r)] != insn.src_type)
                    return false;
        if (insn.f_dst >= 0) {
            if (insn.shadow && out[static_cast<u32>(insn.f_dst)] != insn.dst_type)
                return false; // the type would depend on the path taken
            out[static_cast<u32>(insn.f_dst)] = insn.dst_type;
        }
    }
    return true;
}

u64 insn_offset(const TestCase& tc, std::size_t i) {
    u64 offset = 0;
    for (std::size_t k = 0; k < i && k < tc.code.size(); ++k)
        offset += tc.code[k].size;
    return offset;
}

u64 code_end(const TestCase& tc) {
    return kCodeBase + insn_offset(tc, tc.code.size());
}

std::vector<u8> code_image(const TestCase& tc) {
    std::vector<u8> bytes(insn_offset(tc, tc.code.size()));
    std::size_t offset = 0;
    for (const GenInsn& insn : tc.code) {
        if (insn.size == 2)
            boot::store_le<u16>(bytes, offset, static_cast<u16>(insn.raw));
        else
            boot::store_le<u32>(bytes, offset, insn.raw);
        offset += insn.size;
    }
    return bytes;
}

int insn_at(const TestCase& tc, u64 pc) {
    u64 addr = kCodeBase;
    for (std::size_t i = 0; i < tc.code.size(); ++i) {
        if (addr == pc)
            return static_cast<int>(i);
        if (addr > pc)
            break;
        addr += tc.code[i].size;
    }
    return -1;
}

} // namespace kite::riscv::diff
