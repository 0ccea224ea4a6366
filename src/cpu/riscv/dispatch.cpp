#include "cpu/riscv/exec.h"

namespace kite::riscv {

const Handler kHandlers[kOpCount] = {
#define KITE_RV_OP(name, mnemonic, format) &exec_##name,
#include "cpu/riscv/ops.def"
};

} // namespace kite::riscv
