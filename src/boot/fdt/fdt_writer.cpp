#include "boot/fdt/fdt_writer.h"

#include <algorithm>
#include <climits>
#include <libfdt.h>
#include <string>

namespace kite::fdt {
namespace {

constexpr std::size_t kInitialSize = 4 * KiB;
constexpr std::size_t kMinimumSize = 64; // header + reserve-map terminator and a little

std::string quoted(std::string_view name) {
    return fmt::format("'{}'", name);
}

// "fdt: begin_node 'cpus': FDT_ERR_NOSPACE".
Error fdt_error(std::string_view what, std::string_view name, int err) {
    if (name.empty())
        return Error::format("fdt: {}: {}", what, fdt_strerror(err));
    return Error::format("fdt: {} {}: {}", what, quoted(name), fdt_strerror(err));
}

Result<void> check_name(std::string_view what, std::string_view name) {
    if (name.find('\0') != std::string_view::npos)
        return error("fdt: {} {}: the name contains a NUL byte", what, quoted(name));
    return {};
}

void append_be32(std::vector<u8>& out, u32 value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<u8>(value >> shift));
}

} // namespace

FdtWriter::FdtWriter(std::vector<u8> buffer, std::size_t max_size)
    : m_buffer(std::move(buffer)), m_max_size(max_size) {}

Result<FdtWriter> FdtWriter::create(std::size_t max_size) {
    if (max_size > static_cast<std::size_t>(INT_MAX))
        return error("fdt: maximum size {} exceeds libfdt's limit of {} bytes", max_size, INT_MAX);
    if (max_size < kMinimumSize)
        return error("fdt: maximum size {} is below the minimum of {} bytes", max_size, kMinimumSize);
    std::vector<u8> buffer(std::min(kInitialSize, max_size));
    const int err = fdt_create(buffer.data(), static_cast<int>(buffer.size()));
    if (err < 0)
        return make_unexpected(fdt_error("create", "", err));
    return FdtWriter(std::move(buffer), max_size);
}

Result<void> FdtWriter::grow() {
    if (m_buffer.size() >= m_max_size)
        return error("the tree would exceed its maximum size of {} bytes", m_max_size);
    std::vector<u8> bigger(std::min(m_buffer.size() * 2, m_max_size));
    const int err = fdt_resize(m_buffer.data(), bigger.data(), static_cast<int>(bigger.size()));
    if (err < 0)
        return make_unexpected(fdt_error("resize", "", err));
    m_buffer = std::move(bigger);
    return {};
}

template <typename Op>
Result<void> FdtWriter::run(std::string_view what, std::string_view name, Op&& op) {
    for (;;) {
        const int err = op(m_buffer.data());
        if (err >= 0)
            return {};
        if (err == -FDT_ERR_NOSPACE) {
            auto grown = grow();
            if (grown)
                continue; // libfdt leaves the tree unchanged on NOSPACE
            m_failed = true;
            return error("{} ({})", fdt_error(what, name, err).message(), grown.error().message());
        }
        m_failed = true;
        return make_unexpected(fdt_error(what, name, err));
    }
}

Result<void> FdtWriter::check_open(std::string_view what, std::string_view name) const {
    if (m_failed)
        return error("fdt: {} {}: an earlier call failed", what, quoted(name));
    if (m_state == State::Done)
        return error("fdt: {} {}: the tree is already finished", what, quoted(name));
    return {};
}

Result<void> FdtWriter::leave_reserve_map() {
    if (m_state != State::ReserveMap)
        return {};
    TRY(run("finish_reservemap", "", [](void* fdt) { return fdt_finish_reservemap(fdt); }));
    m_state = State::Structure;
    return {};
}

Result<void> FdtWriter::add_reserve_map_entry(u64 address, u64 size) {
    const std::string what = fmt::format("{:#x}+{:#x}", address, size);
    TRY(check_open("add_reserve_map_entry", what));
    if (m_state != State::ReserveMap)
        return error("fdt: add_reserve_map_entry {}: reserve-map entries must come before the first node",
                     quoted(what));
    return run("add_reserve_map_entry", what,
               [&](void* fdt) { return fdt_add_reservemap_entry(fdt, address, size); });
}

Result<void> FdtWriter::begin_node(std::string_view name) {
    TRY(check_open("begin_node", name));
    TRY(check_name("begin_node", name));
    if (m_state == State::Structure && m_depth == 0)
        return error("fdt: begin_node {}: the tree already has a root node", quoted(name));
    TRY(leave_reserve_map());
    const std::string c_name(name);
    TRY(run("begin_node", name, [&](void* fdt) { return fdt_begin_node(fdt, c_name.c_str()); }));
    ++m_depth;
    return {};
}

Result<void> FdtWriter::end_node() {
    TRY(check_open("end_node", ""));
    if (m_depth == 0)
        return error("fdt: end_node without a matching begin_node");
    TRY(run("end_node", "", [](void* fdt) { return fdt_end_node(fdt); }));
    --m_depth;
    return {};
}

Result<void> FdtWriter::property(std::string_view name, std::span<const u8> value) {
    TRY(check_open("property", name));
    TRY(check_name("property", name));
    if (m_depth == 0)
        return error("fdt: property {}: no node is open", quoted(name));
    if (value.size() > static_cast<std::size_t>(INT_MAX))
        return error("fdt: property {}: value of {} bytes is too large", quoted(name), value.size());
    const std::string c_name(name);
    static constexpr u8 kNothing = 0;
    const void* data = value.empty() ? &kNothing : value.data();
    return run("property", name, [&](void* fdt) {
        return fdt_property(fdt, c_name.c_str(), data, static_cast<int>(value.size()));
    });
}

Result<void> FdtWriter::property_empty(std::string_view name) {
    return property(name, {});
}

Result<void> FdtWriter::property_u32(std::string_view name, u32 value) {
    return property_u32_list(name, std::span(&value, 1));
}

Result<void> FdtWriter::property_u64(std::string_view name, u64 value) {
    return property_cells(name, {static_cast<u32>(value >> 32), static_cast<u32>(value)});
}

Result<void> FdtWriter::property_cells(std::string_view name, std::initializer_list<u32> cells) {
    return property_u32_list(name, std::span(cells.begin(), cells.size()));
}

Result<void> FdtWriter::property_u32_list(std::string_view name, std::span<const u32> cells) {
    std::vector<u8> bytes;
    bytes.reserve(cells.size() * 4);
    for (u32 cell : cells)
        append_be32(bytes, cell);
    return property(name, bytes);
}

Result<void> FdtWriter::property_string(std::string_view name, std::string_view value) {
    return property_strings(name, std::span(&value, 1));
}

Result<void> FdtWriter::property_strings(std::string_view name,
                                         std::initializer_list<std::string_view> values) {
    return property_strings(name, std::span(values.begin(), values.size()));
}

Result<void> FdtWriter::property_strings(std::string_view name, std::span<const std::string_view> values) {
    std::vector<u8> bytes;
    for (std::string_view value : values) {
        if (value.find('\0') != std::string_view::npos)
            return error("fdt: property {}: string value contains a NUL byte", quoted(name));
        bytes.insert(bytes.end(), value.begin(), value.end());
        bytes.push_back(0);
    }
    return property(name, bytes);
}

Result<std::vector<u8>> FdtWriter::finish() {
    TRY(check_open("finish", ""));
    if (m_depth != 0)
        return error("fdt: finish: {} node(s) still open", m_depth);
    if (m_state == State::ReserveMap)
        return error("fdt: finish: the tree has no root node");
    TRY(run("finish", "", [](void* fdt) { return fdt_finish(fdt); }));
    m_state = State::Done;
    const int packed = fdt_pack(m_buffer.data());
    if (packed < 0)
        return make_unexpected(fdt_error("pack", "", packed));
    const u32 total = fdt_totalsize(m_buffer.data());
    if (total > m_buffer.size())
        return error("fdt: finish: total size {} exceeds the buffer of {} bytes", total, m_buffer.size());
    m_buffer.resize(total);
    return std::move(m_buffer);
}

} // namespace kite::fdt
