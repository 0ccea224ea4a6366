#include "acpi/aml.h"

#include "base/assert.h"
#include "base/le_bytes.h"

#include <algorithm>
#include <numeric>

namespace kite::acpi::aml {
namespace {

// AML opcodes (ACPI 6.x, 20.2).
constexpr u8 kZeroOp = 0x00;
constexpr u8 kOneOp = 0x01;
constexpr u8 kNameOp = 0x08;
constexpr u8 kBytePrefix = 0x0a;
constexpr u8 kWordPrefix = 0x0b;
constexpr u8 kDWordPrefix = 0x0c;
constexpr u8 kStringPrefix = 0x0d;
constexpr u8 kQWordPrefix = 0x0e;
constexpr u8 kScopeOp = 0x10;
constexpr u8 kBufferOp = 0x11;
constexpr u8 kPackageOp = 0x12;
constexpr u8 kMethodOp = 0x14;
constexpr u8 kDualNamePrefix = 0x2e;
constexpr u8 kMultiNamePrefix = 0x2f;
constexpr u8 kExtOpPrefix = 0x5b;
constexpr u8 kRootChar = 0x5c;
constexpr u8 kParentPrefixChar = 0x5e;
constexpr u8 kLocal0Op = 0x60;
constexpr u8 kArg0Op = 0x68;
constexpr u8 kStoreOp = 0x70;
constexpr u8 kShiftLeftOp = 0x79;
constexpr u8 kAndOp = 0x7b;
constexpr u8 kOrOp = 0x7d;
constexpr u8 kCreateDWordFieldOp = 0x8a;
constexpr u8 kLNotOp = 0x92;
constexpr u8 kLEqualOp = 0x93;
constexpr u8 kIfOp = 0xa0;
constexpr u8 kElseOp = 0xa1;
constexpr u8 kReturnOp = 0xa4;
constexpr u8 kOnesOp = 0xff;
// Second bytes after kExtOpPrefix.
constexpr u8 kOpRegionOp = 0x80;
constexpr u8 kFieldOp = 0x81;
constexpr u8 kDeviceOp = 0x82;

// Resize, then copy: GCC 12 at -O3 warns (array-bounds) of an out-of-bounds
// memcpy in vector::insert of one small vector into another, which it is not.
void append(Term& out, const Term& more) {
    const std::size_t old_size = out.size();
    out.resize(old_size + more.size());
    std::copy(more.begin(), more.end(), out.begin() + static_cast<std::ptrdiff_t>(old_size));
}

// Opcode bytes, then PkgLength, then `body`: the shape of every package-like term.
Term with_pkg_length(std::initializer_list<u8> opcode, const Term& body) {
    Term out(opcode);
    append(out, pkg_length(body.size()));
    append(out, body);
    return out;
}

bool lead_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || c == '_';
}

bool name_char(char c) {
    return lead_name_char(c) || (c >= '0' && c <= '9');
}

// A NameSeg: one to four name characters, padded with '_'.
void append_name_seg(Term& out, std::string_view seg) {
    KITE_ASSERT(!seg.empty() && seg.size() <= 4 && lead_name_char(seg[0]), "AML name segment");
    for (std::size_t i = 0; i < 4; ++i) {
        char c = i < seg.size() ? seg[i] : '_';
        KITE_ASSERT(name_char(c), "AML name character");
        out.push_back(static_cast<u8>(c));
    }
}

Term fixed_width(u8 prefix, u64 value, std::size_t bytes) {
    Term out{prefix};
    append_le(out, value, bytes);
    return out;
}

Term binary_op(u8 opcode, const Term& a, const Term& b, const Term& target) {
    Term out{opcode};
    append(out, a);
    append(out, b);
    append(out, target.empty() ? null_target() : target);
    return out;
}

u8 hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return static_cast<u8>(c - '0');
    if (c >= 'A' && c <= 'F')
        return static_cast<u8>(c - 'A' + 10);
    if (c >= 'a' && c <= 'f')
        return static_cast<u8>(c - 'a' + 10);
    KITE_ASSERT(false, "hex digit");
}

// Resource descriptors: the large-item header (ACPI 6.x, 6.4.3).
Term large_item(u8 type, const Term& body) {
    Term out{static_cast<u8>(0x80 | type)};
    append_le(out, body.size(), 2);
    append(out, body);
    return out;
}

// The Word/DWord/QWord address space descriptors share one layout: resource
// type, general flags, type-specific flags, then granularity, min, max,
// translation offset and length, each `width` bytes.
Term address_space(u8 item_type, u8 resource_type, u8 type_flags, u64 min, u64 max, std::size_t width) {
    KITE_ASSERT(min <= max, "address range");
    // A producer (bit 0 clear) with positive decode and fixed minimum and maximum.
    constexpr u8 kProducerFixed = 0x0c;
    Term body{resource_type, kProducerFixed, type_flags};
    append_le(body, 0, width); // granularity: 0 for a fixed range
    append_le(body, min, width);
    append_le(body, max, width);
    append_le(body, 0, width); // no translation
    append_le(body, max - min + 1, width);
    return large_item(item_type, body);
}

constexpr u8 kWordAddressItem = 0x08;
constexpr u8 kDWordAddressItem = 0x07;
constexpr u8 kQWordAddressItem = 0x0a;
constexpr u8 kExtendedIrqItem = 0x09;
constexpr u8 kMemory32FixedItem = 0x06;
constexpr u8 kMemoryResource = 0;
constexpr u8 kIoResource = 1;
constexpr u8 kBusNumberResource = 2;

u8 memory_flags(bool cacheable) {
    return cacheable ? 0x03 : 0x01; // read-write, (non-)cacheable
}

} // namespace

Term encoded_length(std::size_t value) {
    KITE_ASSERT(value < (std::size_t{1} << 28), "AML length too large");
    if (value < 0x40)
        return {static_cast<u8>(value)};
    // Bits 7-6 of the lead byte count the bytes that follow; its low nibble
    // holds bits 0-3 of the value and each following byte eight more bits.
    std::size_t follow = value < (std::size_t{1} << 12) ? 1 : value < (std::size_t{1} << 20) ? 2 : 3;
    Term out{static_cast<u8>((follow << 6) | (value & 0x0f))};
    for (std::size_t i = 0; i < follow; ++i)
        out.push_back(static_cast<u8>(value >> (4 + 8 * i)));
    return out;
}

Term pkg_length(std::size_t payload) {
    // The length includes the encoding's own bytes; a longer encoding may be
    // needed once they are counted.
    for (std::size_t size = 1; size <= 4; ++size) {
        Term out = encoded_length(payload + size);
        if (out.size() == size)
            return out;
    }
    KITE_ASSERT(false, "AML package too large");
}

Term name_string(std::string_view path) {
    Term out;
    if (path.starts_with('\\')) {
        out.push_back(kRootChar);
        path.remove_prefix(1);
    }
    while (path.starts_with('^')) {
        out.push_back(kParentPrefixChar);
        path.remove_prefix(1);
    }
    std::vector<std::string_view> segs;
    while (!path.empty()) {
        auto dot = path.find('.');
        segs.push_back(path.substr(0, dot));
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    }
    if (segs.empty()) {
        out.push_back(kZeroOp); // NullName
    } else if (segs.size() == 2) {
        out.push_back(kDualNamePrefix);
    } else if (segs.size() > 2) {
        KITE_ASSERT(segs.size() <= 255, "AML name path");
        out.push_back(kMultiNamePrefix);
        out.push_back(static_cast<u8>(segs.size()));
    }
    for (auto seg : segs)
        append_name_seg(out, seg);
    return out;
}

Term zero() {
    return {kZeroOp};
}

Term one() {
    return {kOneOp};
}

Term ones() {
    return {kOnesOp};
}

Term integer(u64 value) {
    if (value == 0)
        return zero();
    if (value == 1)
        return one();
    if (value <= 0xff)
        return byte_const(static_cast<u8>(value));
    if (value <= 0xffff)
        return word_const(static_cast<u16>(value));
    if (value <= 0xffff'ffff)
        return dword_const(static_cast<u32>(value));
    return qword_const(value);
}

Term byte_const(u8 value) {
    return fixed_width(kBytePrefix, value, 1);
}

Term word_const(u16 value) {
    return fixed_width(kWordPrefix, value, 2);
}

Term dword_const(u32 value) {
    return fixed_width(kDWordPrefix, value, 4);
}

Term qword_const(u64 value) {
    return fixed_width(kQWordPrefix, value, 8);
}

Term eisa_id(std::string_view id) {
    // Three uppercase letters, five bits each ('A' is 1), then four hex
    // digits; the DWord is stored big-endian, as the compressed ID is defined.
    KITE_ASSERT(id.size() == 7, "EISA ID is seven characters");
    u32 value = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        KITE_ASSERT(id[i] >= 'A' && id[i] <= 'Z', "EISA ID vendor letter");
        value = (value << 5) | static_cast<u32>(id[i] - 'A' + 1);
    }
    for (std::size_t i = 3; i < 7; ++i)
        value = (value << 4) | hex_digit(id[i]);
    return dword_const(__builtin_bswap32(value));
}

Term string(std::string_view text) {
    Term out{kStringPrefix};
    for (char c : text) {
        KITE_ASSERT(c > 0 && c <= 0x7f, "AML string character");
        out.push_back(static_cast<u8>(c));
    }
    out.push_back(0);
    return out;
}

Term buffer(std::span<const u8> bytes) {
    Term body = integer(bytes.size());
    body.insert(body.end(), bytes.begin(), bytes.end());
    return with_pkg_length({kBufferOp}, body);
}

Term package(const TermList& elements) {
    KITE_ASSERT(elements.size() <= 255, "AML package has at most 255 elements");
    Term body{static_cast<u8>(elements.size())};
    append(body, concat(elements));
    return with_pkg_length({kPackageOp}, body);
}

Term name(std::string_view path, const Term& value) {
    Term out{kNameOp};
    append(out, name_string(path));
    append(out, value);
    return out;
}

Term scope(std::string_view path, const TermList& body) {
    Term inner = name_string(path);
    append(inner, concat(body));
    return with_pkg_length({kScopeOp}, inner);
}

Term device(std::string_view path, const TermList& body) {
    Term inner = name_string(path);
    append(inner, concat(body));
    return with_pkg_length({kExtOpPrefix, kDeviceOp}, inner);
}

Term method(std::string_view path, u8 arg_count, bool serialized, const TermList& body) {
    KITE_ASSERT(arg_count <= 7, "AML method takes at most 7 arguments");
    Term inner = name_string(path);
    inner.push_back(static_cast<u8>(arg_count | (serialized ? 0x08 : 0x00)));
    append(inner, concat(body));
    return with_pkg_length({kMethodOp}, inner);
}

Term local(u8 index) {
    KITE_ASSERT(index <= 7, "AML Local0-Local7");
    return {static_cast<u8>(kLocal0Op + index)};
}

Term arg(u8 index) {
    KITE_ASSERT(index <= 6, "AML Arg0-Arg6");
    return {static_cast<u8>(kArg0Op + index)};
}

Term null_target() {
    return {kZeroOp};
}

Term return_(const Term& value) {
    Term out{kReturnOp};
    append(out, value);
    return out;
}

Term if_(const Term& predicate, const TermList& body) {
    Term inner = predicate;
    append(inner, concat(body));
    return with_pkg_length({kIfOp}, inner);
}

Term else_(const TermList& body) {
    return with_pkg_length({kElseOp}, concat(body));
}

Term store(const Term& value, const Term& target) {
    Term out{kStoreOp};
    append(out, value);
    append(out, target);
    return out;
}

Term and_(const Term& a, const Term& b, const Term& target) {
    return binary_op(kAndOp, a, b, target);
}

Term or_(const Term& a, const Term& b, const Term& target) {
    return binary_op(kOrOp, a, b, target);
}

Term shift_left(const Term& value, const Term& count, const Term& target) {
    return binary_op(kShiftLeftOp, value, count, target);
}

Term lequal(const Term& a, const Term& b) {
    Term out{kLEqualOp};
    append(out, a);
    append(out, b);
    return out;
}

Term lnot(const Term& a) {
    Term out{kLNotOp};
    append(out, a);
    return out;
}

Term create_dword_field(const Term& source, const Term& byte_index, std::string_view field_name) {
    Term out{kCreateDWordFieldOp};
    append(out, source);
    append(out, byte_index);
    append(out, name_string(field_name));
    return out;
}

Term uuid(std::string_view text) {
    // "aabbccdd-eeff-gghh-iijj-kkllmmnnoopp": the first three groups are
    // stored little-endian, the last two in order.
    KITE_ASSERT(text.size() == 36 && text[8] == '-' && text[13] == '-' && text[18] == '-' && text[23] == '-',
                "UUID text");
    auto byte_at = [&](std::size_t pos) { return static_cast<u8>(hex_digit(text[pos]) << 4 | hex_digit(text[pos + 1])); };
    static constexpr std::size_t kOrder[16] = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};
    std::vector<u8> bytes;
    for (std::size_t pos : kOrder)
        bytes.push_back(byte_at(pos));
    return buffer(bytes);
}

Term operation_region(std::string_view path, RegionSpace space, const Term& offset, const Term& length) {
    Term out{kExtOpPrefix, kOpRegionOp};
    append(out, name_string(path));
    out.push_back(static_cast<u8>(space));
    append(out, offset);
    append(out, length);
    return out;
}

Term field(std::string_view region, FieldAccess access, bool lock, FieldUpdate update,
           const std::vector<FieldUnit>& units) {
    Term inner = name_string(region);
    inner.push_back(static_cast<u8>(static_cast<u8>(access) | (lock ? 0x10 : 0x00) |
                                    (static_cast<u8>(update) << 5)));
    for (const auto& unit : units) {
        if (unit.name.empty())
            inner.push_back(0x00); // ReservedField
        else
            append_name_seg(inner, unit.name);
        append(inner, encoded_length(unit.bits));
    }
    return with_pkg_length({kExtOpPrefix, kFieldOp}, inner);
}

namespace res {

Term io(u16 min, u16 max, u8 alignment, u8 length) {
    Term out{0x47, 0x01}; // small item 8, length 7; decodes 16 address bits
    append_le(out, min, 2);
    append_le(out, max, 2);
    out.push_back(alignment);
    out.push_back(length);
    return out;
}

Term irq_no_flags(u8 irq) {
    KITE_ASSERT(irq < 16, "ISA IRQ");
    Term out{0x22}; // small item 4, length 2: the IRQ mask alone
    append_le(out, u32{1} << irq, 2);
    return out;
}

Term interrupt(u32 gsi, bool level, bool active_low, bool shared) {
    // Consumer (bit 0), edge (bit 1) or level, active-low (bit 2), shared (bit 3).
    u8 flags = static_cast<u8>(0x01 | (level ? 0 : 0x02) | (active_low ? 0x04 : 0) | (shared ? 0x08 : 0));
    Term body{flags, 1};
    append_le(body, gsi, 4);
    return large_item(kExtendedIrqItem, body);
}

Term word_bus_number(u16 min, u16 max) {
    return address_space(kWordAddressItem, kBusNumberResource, 0, min, max, 2);
}

Term word_io(u16 min, u16 max) {
    constexpr u8 kEntireRange = 0x03;
    return address_space(kWordAddressItem, kIoResource, kEntireRange, min, max, 2);
}

Term dword_memory(u32 min, u32 max, bool cacheable) {
    return address_space(kDWordAddressItem, kMemoryResource, memory_flags(cacheable), min, max, 4);
}

Term qword_memory(u64 min, u64 max, bool cacheable) {
    return address_space(kQWordAddressItem, kMemoryResource, memory_flags(cacheable), min, max, 8);
}

Term memory32_fixed(u32 base, u32 length) {
    Term body{0x01}; // read-write
    append_le(body, base, 4);
    append_le(body, length, 4);
    return large_item(kMemory32FixedItem, body);
}

} // namespace res

Term resource_template(const TermList& descriptors) {
    Term bytes = concat(descriptors);
    bytes.push_back(0x79); // small item 0xf (end tag), length 1
    u8 sum = std::accumulate(bytes.begin(), bytes.end(), u8{0});
    bytes.push_back(static_cast<u8>(-sum));
    return buffer(bytes);
}

Term concat(const TermList& terms) {
    Term out;
    for (const auto& term : terms)
        append(out, term);
    return out;
}

} // namespace kite::acpi::aml
