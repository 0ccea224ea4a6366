// D: double-precision floating point and the S<->D conversions.
#include "cpu/riscv/exec_fp.h"

namespace kite::riscv {

using namespace fp;

KITE_RV_FP_TRANSFERS(Double, Fld, Fsd, FmvDX, FmvXD)
KITE_RV_FP_FORMAT_HANDLERS(Double, D, f64)

KITE_RV_FP_RM(Double, FcvtDS, fpu::f32_to_f64(read_s(c, d.rs1), flags))
KITE_RV_FP_RM(Single, FcvtSD, fpu::f64_to_f32(read_d(c, d.rs1), rm, flags))

} // namespace kite::riscv
