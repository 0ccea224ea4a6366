#pragma once

#include "base/error.h"
#include "base/types.h"

#include <cstddef>
#include <span>

namespace kite::jit {

// A bounded region of host memory for generated code. It is writable until
// seal() and executable (and no longer writable) after it: never both at once.
class CodeBuffer {
public:
    static Result<CodeBuffer> create(std::size_t capacity);

    CodeBuffer(CodeBuffer&& other) noexcept;
    CodeBuffer& operator=(CodeBuffer&& other) noexcept;
    CodeBuffer(const CodeBuffer&) = delete;
    CodeBuffer& operator=(const CodeBuffer&) = delete;
    ~CodeBuffer();

    std::size_t capacity() const { return m_capacity; }
    std::size_t used() const { return m_used; }
    bool sealed() const { return m_sealed; }

    // Copies code to the end of the buffer; returns where it starts, or an
    // error when it does not fit or the buffer is sealed.
    Result<const u8*> append(std::span<const u8> code);
    // Makes the buffer executable and read-only.
    Result<void> seal();
    // Makes it writable (and not executable) again, to append more code.
    Result<void> unseal();

private:
    CodeBuffer(u8* base, std::size_t capacity) : m_base(base), m_capacity(capacity) {}
    void release();

    u8* m_base = nullptr;
    std::size_t m_capacity = 0;
    std::size_t m_used = 0;
    bool m_sealed = false;
};

} // namespace kite::jit
