#include "block/disk_image.h"

#include "base/file_io.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

namespace kite::block {

namespace {

// The image's size: st_size for a regular file, the device size for a block device.
Result<u64> image_size(int fd, const struct stat& st, const std::string& path) {
    if (S_ISDIR(st.st_mode))
        return error("disk image {} is a directory", path);
    if (S_ISREG(st.st_mode))
        return static_cast<u64>(st.st_size);
    if (S_ISBLK(st.st_mode)) {
        u64 size = 0;
        if (::ioctl(fd, BLKGETSIZE64, &size) != 0)
            return errno_error(fmt::format("size of block device {}", path));
        return size;
    }
    return error("disk image {} is neither a regular file nor a block device", path);
}

// An open file description lock over the whole file: shared for readers,
// exclusive for a writer. Unlike a POSIX record lock it belongs to this open
// file rather than the process, so a second open of the same image conflicts
// even within one process, and closing another fd of the file keeps it.
Result<void> lock_image(int fd, const std::string& path, bool readonly) {
    struct flock lock {};
    lock.l_type = readonly ? F_RDLCK : F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 0;
    lock.l_len = 0; // to the end of the file, however large it grows
    if (::fcntl(fd, F_OFD_SETLK, &lock) == 0)
        return {};
    if (errno == EAGAIN || errno == EACCES)
        return error("disk image {}: image is in use by another process", path);
    return errno_error(fmt::format("lock disk image {}", path));
}

} // namespace

Result<DiskImage> DiskImage::open(const std::string& path, bool readonly) {
    const int flags = readonly ? O_RDONLY : O_RDWR;
    // A FIFO would block open() until a writer came: open without blocking, then refuse it.
    OpenedFile file = TRY(open_without_blocking(path, flags, "open disk image"));
    UniqueFd fd = std::move(file.fd);
    const u64 size = TRY(image_size(fd.get(), file.status, path));
    if (size == 0)
        return error("disk image {} is empty", path);
    if (size % kSectorSize != 0)
        return error("disk image {} is {} bytes, not a multiple of the {}-byte sector size", path, size,
                     kSectorSize);
    TRY(lock_image(fd.get(), path, readonly));
    return DiskImage(std::move(fd), path, size, readonly);
}

} // namespace kite::block
