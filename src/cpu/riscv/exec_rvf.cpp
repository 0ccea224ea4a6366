// F: single-precision floating point.
#include "cpu/riscv/exec_fp.h"

namespace kite::riscv {

using namespace fp;

KITE_RV_FP_TRANSFERS(Single, Flw, Fsw, FmvWX, FmvXW)
KITE_RV_FP_FORMAT_HANDLERS(Single, S, f32)

} // namespace kite::riscv
