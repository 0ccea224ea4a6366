#include "cpu/x86/exec.h"

namespace kite::x86 {

const Handler kHandlers[kOpCount] = {
#define KITE_X86_OP(name, group) &exec_##name,
#include "cpu/x86/ops.def"
};

std::string_view op_name(Op op) {
    static constexpr std::string_view kNames[] = {
#define KITE_X86_OP(name, group) #name,
#include "cpu/x86/ops.def"
    };
    const auto i = static_cast<std::size_t>(op);
    return i < kOpCount ? kNames[i] : "?";
}

} // namespace kite::x86
