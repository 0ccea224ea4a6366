#pragma once

#include "cpu/x86/decoded_insn.h"

#include <Zydis/Decoder.h>
#include <span>

namespace kite::x86 {

enum class CpuMode : u8 { Long64 };

enum class DecodeStatus : u8 {
    Ok,
    NeedMoreBytes, // the bytes end inside the instruction
    Invalid,       // not an instruction (or not one Kite executes): #UD
};

// Decodes machine code into DecodedInsn with Zydis. The decoder library
// stops here: nothing past decode.cpp sees a Zydis type.
class Decoder {
public:
    explicit Decoder(CpuMode mode = CpuMode::Long64);

    // Decodes the instruction at the start of `bytes` (at most 15 are read).
    DecodeStatus decode(std::span<const u8> bytes, DecodedInsn& out) const;

private:
    ZydisDecoder m_zydis{};
};

} // namespace kite::x86
