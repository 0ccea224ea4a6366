#include "boot/riscv_reset.h"

#include "boot/byte_io.h"

namespace kite::boot {
namespace {

// RV64 base ISA encodings (RISC-V unprivileged spec, "RV32I Base Integer
// Instruction Set": R/I/S/U formats).
constexpr u32 kOpcodeLoad = 0x03;   // LOAD
constexpr u32 kOpcodeAuipc = 0x17;  // AUIPC
constexpr u32 kOpcodeJalr = 0x67;   // JALR
constexpr u32 kOpcodeSystem = 0x73; // SYSTEM (CSR instructions)
constexpr u32 kFunct3Ld = 3;        // LD
constexpr u32 kFunct3Csrrs = 2;     // CSRRS
constexpr u32 kCsrMhartid = 0xf14;

constexpr u32 kRegZero = 0;
constexpr u32 kRegT0 = 5;
constexpr u32 kRegA0 = 10;
constexpr u32 kRegA1 = 11;
constexpr u32 kRegA2 = 12;

// I-type: imm[11:0] rs1 funct3 rd opcode.
constexpr u32 encode_i(u32 opcode, u32 rd, u32 funct3, u32 rs1, u32 imm12) {
    return (imm12 & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}

// U-type: imm[31:12] rd opcode.
constexpr u32 encode_u(u32 opcode, u32 rd, u32 imm20) {
    return (imm20 & 0xfffff) << 12 | rd << 7 | opcode;
}

constexpr u32 auipc(u32 rd, u32 imm20) {
    return encode_u(kOpcodeAuipc, rd, imm20);
}
constexpr u32 ld(u32 rd, u32 offset, u32 rs1) {
    return encode_i(kOpcodeLoad, rd, kFunct3Ld, rs1, offset);
}
constexpr u32 csrr(u32 rd, u32 csr) {
    return encode_i(kOpcodeSystem, rd, kFunct3Csrrs, kRegZero, csr);
}
constexpr u32 jr(u32 rs1) {
    return encode_i(kOpcodeJalr, kRegZero, 0, rs1, 0);
}

// Literal pool offsets from the start of the reset vector.
constexpr u32 kPoolFirmwareEntry = 24;
constexpr u32 kPoolDtb = 32;
constexpr u32 kPoolFwDynamicInfo = 40;

} // namespace

std::array<u8, kFwDynamicInfoSize> encode_fw_dynamic_info(u64 next_addr, RiscvPrivilege next_mode,
                                                          u64 options, u64 boot_hart) {
    std::array<u8, kFwDynamicInfoSize> bytes{};
    store_le<u64>(bytes, 0, kFwDynamicInfoMagic);
    store_le<u64>(bytes, 8, kFwDynamicInfoVersion);
    store_le<u64>(bytes, 16, next_addr);
    store_le<u64>(bytes, 24, static_cast<u64>(next_mode));
    store_le<u64>(bytes, 32, options);
    store_le<u64>(bytes, 40, boot_hart);
    return bytes;
}

Result<void> write_fw_dynamic_info(const GuestMemory& memory, u64 addr, u64 next_addr,
                                   RiscvPrivilege next_mode, u64 options, u64 boot_hart) {
    if (addr % 8 != 0)
        return error("fw_dynamic_info address {:#x} is not 8-byte aligned", addr);
    const auto bytes = encode_fw_dynamic_info(next_addr, next_mode, options, boot_hart);
    if (!memory.is_valid_range(GuestAddress(addr), bytes.size()))
        return error("fw_dynamic_info at {:#x} ({} bytes) is outside guest RAM", addr, bytes.size());
    return memory.write(GuestAddress(addr), bytes);
}

std::vector<u32> riscv_reset_vector(u64 firmware_entry, u64 dtb_addr, u64 fw_dynamic_info_addr) {
    std::vector<u32> words = {
        auipc(kRegT0, 0),
        csrr(kRegA0, kCsrMhartid),
        ld(kRegA1, kPoolDtb, kRegT0),
        ld(kRegA2, kPoolFwDynamicInfo, kRegT0),
        ld(kRegT0, kPoolFirmwareEntry, kRegT0),
        jr(kRegT0),
    };
    for (u64 literal : {firmware_entry, dtb_addr, fw_dynamic_info_addr}) {
        words.push_back(static_cast<u32>(literal));
        words.push_back(static_cast<u32>(literal >> 32));
    }
    return words;
}

std::vector<u8> riscv_boot_rom(u64 rom_base, u64 firmware_entry, u64 dtb_addr, u64 next_addr,
                               RiscvPrivilege next_mode, u64 options, u64 boot_hart) {
    const u64 info_addr = rom_base + kRiscvResetVectorSize;
    const auto words = riscv_reset_vector(firmware_entry, dtb_addr, info_addr);
    std::vector<u8> rom(kRiscvResetVectorSize + kFwDynamicInfoSize);
    for (std::size_t i = 0; i < words.size(); ++i)
        store_le<u32>(rom, i * 4, words[i]);
    const auto info = encode_fw_dynamic_info(next_addr, next_mode, options, boot_hart);
    std::copy(info.begin(), info.end(), rom.begin() + kRiscvResetVectorSize);
    return rom;
}

} // namespace kite::boot
