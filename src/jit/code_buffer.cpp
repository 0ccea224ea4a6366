#include "jit/code_buffer.h"

#include <sys/mman.h>

#include <cstring>
#include <utility>

namespace kite::jit {

Result<CodeBuffer> CodeBuffer::create(std::size_t capacity) {
    if (capacity == 0)
        return error("code buffer: capacity must not be zero");
    void* p = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return errno_error("code buffer: mmap");
    return CodeBuffer(static_cast<u8*>(p), capacity);
}

CodeBuffer::CodeBuffer(CodeBuffer&& other) noexcept
    : m_base(std::exchange(other.m_base, nullptr)), m_capacity(std::exchange(other.m_capacity, 0)),
      m_used(std::exchange(other.m_used, 0)), m_sealed(std::exchange(other.m_sealed, false)) {}

CodeBuffer& CodeBuffer::operator=(CodeBuffer&& other) noexcept {
    if (this != &other) {
        release();
        m_base = std::exchange(other.m_base, nullptr);
        m_capacity = std::exchange(other.m_capacity, 0);
        m_used = std::exchange(other.m_used, 0);
        m_sealed = std::exchange(other.m_sealed, false);
    }
    return *this;
}

CodeBuffer::~CodeBuffer() { release(); }

void CodeBuffer::release() {
    if (m_base != nullptr)
        munmap(m_base, m_capacity);
    m_base = nullptr;
}

Result<const u8*> CodeBuffer::append(std::span<const u8> code) {
    if (m_sealed)
        return error("code buffer: sealed, cannot append");
    if (code.size() > m_capacity - m_used)
        return error("code buffer full: {} bytes do not fit in the {} of {} left", code.size(),
                     m_capacity - m_used, m_capacity);
    u8* at = m_base + m_used;
    std::memcpy(at, code.data(), code.size());
    m_used += code.size();
    return at;
}

Result<void> CodeBuffer::seal() {
    if (!m_sealed && mprotect(m_base, m_capacity, PROT_READ | PROT_EXEC) != 0)
        return errno_error("code buffer: mprotect");
    m_sealed = true;
    return {};
}

Result<void> CodeBuffer::unseal() {
    if (m_sealed && mprotect(m_base, m_capacity, PROT_READ | PROT_WRITE) != 0)
        return errno_error("code buffer: mprotect");
    m_sealed = false;
    return {};
}

} // namespace kite::jit
