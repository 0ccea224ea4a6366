#include "base/mmap_region.h"

#include "base/log.h"

#include <sys/mman.h>

namespace kite {

Result<MmapRegion> MmapRegion::anonymous(std::size_t size, Kind kind) {
    if (size == 0)
        return error("mmap: zero-sized anonymous region");
    int flags = MAP_ANONYMOUS | MAP_NORESERVE;
    switch (kind) {
    case Kind::AnonymousPrivate:
        flags |= MAP_PRIVATE;
        break;
    case Kind::AnonymousShared:
        flags |= MAP_SHARED;
        break;
    }
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED)
        return errno_error(fmt::format("mmap {} bytes of anonymous memory", size));
    return MmapRegion(static_cast<u8*>(p), size);
}

Result<MmapRegion> MmapRegion::map_fd(int fd, std::size_t size, off_t offset) {
    if (size == 0)
        return error("mmap: zero-sized fd mapping");
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
    if (p == MAP_FAILED)
        return errno_error(fmt::format("mmap {} bytes of fd {}", size, fd));
    return MmapRegion(static_cast<u8*>(p), size);
}

void MmapRegion::reset() {
    if (m_data && ::munmap(m_data, m_size) != 0)
        log::warn("munmap of {} bytes failed", m_size);
    m_data = nullptr;
    m_size = 0;
}

} // namespace kite
