#include "chardev/char_backend.h"

#include "base/log.h"
#include "base/unique_fd.h"
#include "base/file_io.h"
#include "chardev/escape_filter.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace kite {

namespace {

// Terminal state saved when stdin entered raw mode. Plain statics so that
// restore_terminal() can run from a signal handler.
struct termios g_saved_termios;
int g_saved_termios_fd = -1;
std::atomic<bool> g_termios_saved{false};
static_assert(std::atomic<bool>::is_always_lock_free, "restore_terminal() must be async-signal-safe");

std::once_flag g_atexit_once;

void restore_terminal_at_exit() {
    restore_terminal();
}

constexpr std::size_t kWriteChunk = 4096; // PIPE_BUF: a writable pipe takes this much without blocking
constexpr int kWriteStallTimeoutMs = 2000;
constexpr std::size_t kReadChunk = 4096;

constexpr std::string_view kHelpText = "\r\n"
                                       "C-a h    print this help\r\n"
                                       "C-a x    exit kite\r\n"
                                       "C-a C-a  send C-a to the guest\r\n";

// Writes all of `data` to a blocking or non-blocking fd, retrying interrupted and
// partial writes. Waits for writability with a timeout so a reader that never
// drains (a stopped pager, a full pipe) cannot wedge the vCPU forever; once a
// wait has timed out, later writes do not wait again until output flows.
class FdWriter {
public:
    FdWriter(int fd, std::string name) : m_fd(fd), m_name(std::move(name)) {}

    void write(std::span<const u8> data) {
        std::lock_guard lock(m_mutex);
        while (!data.empty()) {
            pollfd pfd{.fd = m_fd, .events = POLLOUT, .revents = 0};
            int ready = ::poll(&pfd, 1, m_stalled ? 0 : kWriteStallTimeoutMs);
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready == 0) {
                note_failure(data.size(), "output stalled");
                m_stalled = true;
                return;
            }
            // On poll errors or POLLERR/POLLHUP, let write() report what is wrong.
            ssize_t n = ::write(m_fd, data.data(), std::min(data.size(), kWriteChunk));
            if (n > 0) {
                m_stalled = false;
                data = data.subspan(static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
                continue;
            note_failure(data.size(), n < 0 ? std::strerror(errno) : "wrote nothing");
            return;
        }
    }

private:
    void note_failure(std::size_t dropped, std::string_view why) {
        if (m_dropped == 0)
            log::warn("serial output to {}: {}; dropping output", m_name, why);
        m_dropped += dropped;
    }

    int m_fd;
    std::string m_name;
    std::mutex m_mutex;
    bool m_stalled{false};
    u64 m_dropped{0};
};

class StdioBackend final : public CharBackend {
public:
    StdioBackend(int input_fd, bool escapes, bool owns_raw_mode)
        : m_input_fd(input_fd), m_escapes(escapes), m_owns_raw_mode(owns_raw_mode) {}

    ~StdioBackend() override {
        if (m_owns_raw_mode)
            restore_terminal();
    }

    void write(std::span<const u8> data) override { m_stdout.write(data); }

    int input_fd() const override { return m_input_fd; }

    InputEvent read_input(std::vector<u8>& out) override {
        out.clear();
        if (m_input_fd < 0 || m_eof)
            return InputEvent::None;
        // Never block: the fd may be shared with other processes (a terminal).
        pollfd pfd{.fd = m_input_fd, .events = POLLIN, .revents = 0};
        int ready = ::poll(&pfd, 1, 0);
        if (ready <= 0)
            return InputEvent::None;
        if (pfd.revents & POLLNVAL)
            return finish_input("stdin is not open");

        u8 buffer[kReadChunk];
        ssize_t n = ::read(m_input_fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                return InputEvent::None;
            return finish_input(std::strerror(errno));
        }
        if (n == 0)
            return finish_input({});

        std::span<const u8> bytes(buffer, static_cast<std::size_t>(n));
        if (!m_escapes) {
            out.assign(bytes.begin(), bytes.end());
            return InputEvent::Data;
        }
        EscapeFilter::FilterResult result = m_filter.process(bytes);
        out = std::move(result.to_guest);
        if (result.help)
            m_stderr.write({reinterpret_cast<const u8*>(kHelpText.data()), kHelpText.size()});
        if (result.quit)
            return InputEvent::Quit;
        return out.empty() ? InputEvent::None : InputEvent::Data;
    }

private:
    InputEvent finish_input(std::string_view why) {
        if (!why.empty())
            log::warn("serial input from stdin: {}; no more input", why);
        m_eof = true;
        return InputEvent::Eof;
    }

    int m_input_fd;
    bool m_escapes;
    bool m_owns_raw_mode;
    bool m_eof{false};
    EscapeFilter m_filter;
    FdWriter m_stdout{STDOUT_FILENO, "stdout"};
    FdWriter m_stderr{STDERR_FILENO, "stderr"};
};

class FileBackend final : public CharBackend {
public:
    FileBackend(UniqueFd fd, const std::string& path) : m_fd(std::move(fd)), m_writer(m_fd.get(), path) {}

    void write(std::span<const u8> data) override { m_writer.write(data); }

private:
    UniqueFd m_fd;
    FdWriter m_writer;
};

class NullBackend final : public CharBackend {
public:
    void write(std::span<const u8>) override {}
};

// Raw input like cfmakeraw(), but keeping output post-processing so a guest's
// bare "\n" still returns the cursor to column 0.
void make_raw_keeping_output(struct termios& t) {
    t.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag |= OPOST | ONLCR;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
}

// Puts `fd` in raw mode, saving its settings for restore_terminal(). Returns
// whether this call saved them (false when raw mode is already in effect).
Result<bool> enter_raw_mode(int fd) {
    if (g_termios_saved.load())
        return false;
    struct termios saved;
    if (::tcgetattr(fd, &saved) != 0)
        return errno_error("get terminal attributes of stdin");
    g_saved_termios = saved;
    g_saved_termios_fd = fd;
    g_termios_saved.store(true);
    std::call_once(g_atexit_once, [] { std::atexit(restore_terminal_at_exit); });

    struct termios raw = saved;
    make_raw_keeping_output(raw);
    if (::tcsetattr(fd, TCSANOW, &raw) != 0) {
        Error err = Error::from_errno("put stdin in raw mode");
        restore_terminal();
        return make_unexpected(std::move(err));
    }
    return true;
}

} // namespace

void restore_terminal() {
    // exchange() makes this idempotent; errno is preserved for signal handlers.
    if (!g_termios_saved.exchange(false))
        return;
    int saved_errno = errno;
    ::tcsetattr(g_saved_termios_fd, TCSANOW, &g_saved_termios);
    errno = saved_errno;
}

std::string_view escape_help_text() {
    return kHelpText;
}

Result<std::unique_ptr<CharBackend>> open_stdio_backend() {
    int input_fd = ::fcntl(STDIN_FILENO, F_GETFD) >= 0 ? STDIN_FILENO : -1;
    bool tty = input_fd >= 0 && ::isatty(input_fd);
    bool owns_raw_mode = false;
    if (tty)
        owns_raw_mode = TRY(enter_raw_mode(input_fd));
    return std::make_unique<StdioBackend>(input_fd, tty, owns_raw_mode);
}

Result<std::unique_ptr<CharBackend>> open_file_backend(const std::string& path) {
    OpenedFile file = TRY(open_without_blocking(path, O_WRONLY | O_CREAT | O_TRUNC, "open serial output file"));
    return std::make_unique<FileBackend>(std::move(file.fd), path);
}

Result<std::unique_ptr<CharBackend>> open_null_backend() {
    return std::make_unique<NullBackend>();
}

} // namespace kite
