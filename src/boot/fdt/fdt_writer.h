#pragma once

#include "base/error.h"
#include "base/types.h"

#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace kite::fdt {

// Builds a flattened device tree (DTB) front to back with libfdt's
// sequential-write API. Reserve-map entries come first, then nodes opened and
// closed in order (the root is begin_node("")), then finish(). The buffer
// starts small and doubles on FDT_ERR_NOSPACE up to `max_size`; past that the
// call fails with an error naming it. Every failure is an Error
// ("fdt: begin_node 'cpus': FDT_ERR_NOSPACE ..."); after one, or after
// finish(), further calls fail too. Cells are written big-endian.
class FdtWriter {
public:
    static constexpr std::size_t kDefaultMaxSize = 64 * KiB;

    static Result<FdtWriter> create(std::size_t max_size = kDefaultMaxSize);

    FdtWriter(FdtWriter&&) = default;
    FdtWriter& operator=(FdtWriter&&) = default;

    // Adds a /memreserve/ entry; only before the first begin_node.
    Result<void> add_reserve_map_entry(u64 address, u64 size);

    Result<void> begin_node(std::string_view name);
    Result<void> end_node();

    Result<void> property(std::string_view name, std::span<const u8> value);
    Result<void> property_empty(std::string_view name);
    Result<void> property_u32(std::string_view name, u32 value);
    Result<void> property_u64(std::string_view name, u64 value);
    Result<void> property_cells(std::string_view name, std::initializer_list<u32> cells);
    Result<void> property_u32_list(std::string_view name, std::span<const u32> cells);
    // A NUL-terminated string; `value` must not contain NUL.
    Result<void> property_string(std::string_view name, std::string_view value);
    // A string list: each string NUL-terminated, back to back.
    Result<void> property_strings(std::string_view name, std::initializer_list<std::string_view> values);
    Result<void> property_strings(std::string_view name, std::span<const std::string_view> values);

    // A fresh phandle value (1, 2, ...); write it with property_u32("phandle", ...).
    u32 allocate_phandle() { return m_next_phandle++; }

    // Closes the tree (every node must be closed) and returns the packed blob.
    Result<std::vector<u8>> finish();

    std::size_t max_size() const { return m_max_size; }
    int depth() const { return m_depth; }

private:
    enum class State { ReserveMap, Structure, Done };

    FdtWriter(std::vector<u8> buffer, std::size_t max_size);

    // Runs `op` on the tree, growing the buffer and retrying on NOSPACE.
    template <typename Op>
    Result<void> run(std::string_view what, std::string_view name, Op&& op);
    Result<void> grow();
    Result<void> check_open(std::string_view what, std::string_view name) const;
    Result<void> leave_reserve_map();

    std::vector<u8> m_buffer;
    std::size_t m_max_size{0};
    State m_state{State::ReserveMap};
    int m_depth{0};
    bool m_failed{false};
    u32 m_next_phandle{1};
};

} // namespace kite::fdt
