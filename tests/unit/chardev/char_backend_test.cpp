#include "chardev/char_backend.h"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string_view>
#include <unistd.h>

namespace kite {
namespace {

std::vector<u8> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "kite-chardev-XXXXXX").string();
        m_path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { std::filesystem::remove_all(m_path); }
    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

TEST(FileBackend, WritesBytesAndTruncates) {
    TempDir dir;
    auto path = dir.path() / "serial.log";
    { std::ofstream(path) << "old contents that must disappear"; }
    auto backend = open_file_backend(path.string());
    ASSERT_TRUE(backend) << backend.error().message();
    (*backend)->write(bytes_of("hello "));
    (*backend)->write(bytes_of("world\n"));
    (*backend)->write({});
    EXPECT_EQ((*backend)->input_fd(), -1);
    std::vector<u8> in{1, 2};
    EXPECT_EQ((*backend)->read_input(in), InputEvent::None);
    EXPECT_TRUE(in.empty());
    backend->reset();
    EXPECT_EQ(read_file(path), "hello world\n");
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::owner_write,
              std::filesystem::perms::owner_write);
}

TEST(FileBackend, LargeWrite) {
    TempDir dir;
    auto path = dir.path() / "big.log";
    auto backend = open_file_backend(path.string());
    ASSERT_TRUE(backend);
    std::vector<u8> big(100'000);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<u8>(i * 7);
    (*backend)->write(big);
    backend->reset();
    std::string text = read_file(path);
    ASSERT_EQ(text.size(), big.size());
    EXPECT_TRUE(std::equal(big.begin(), big.end(), text.begin(),
                           [](u8 a, char b) { return a == static_cast<u8>(b); }));
}

TEST(FileBackend, BadPathIsAnError) {
    std::string path = "/nonexistent-kite-dir/serial.log";
    auto backend = open_file_backend(path);
    ASSERT_FALSE(backend);
    EXPECT_NE(backend.error().message().find(path), std::string::npos) << backend.error().message();
    EXPECT_EQ(backend.error().code(), ENOENT);
}

TEST(NullBackend, DiscardsAndHasNoInput) {
    auto backend = open_null_backend();
    ASSERT_TRUE(backend);
    (*backend)->write(bytes_of("ignored"));
    EXPECT_EQ((*backend)->input_fd(), -1);
    std::vector<u8> in;
    EXPECT_EQ((*backend)->read_input(in), InputEvent::None);
}

// Replaces stdin with the read end of a pipe for the duration of a test.
class PipeStdin {
public:
    PipeStdin() {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        m_saved = ::dup(STDIN_FILENO);
        ::dup2(fds[0], STDIN_FILENO);
        ::close(fds[0]);
        m_write = fds[1];
    }
    ~PipeStdin() {
        close_writer();
        ::dup2(m_saved, STDIN_FILENO);
        ::close(m_saved);
    }
    void send(std::string_view text) {
        EXPECT_EQ(::write(m_write, text.data(), text.size()), ssize_t(text.size()));
    }
    void close_writer() {
        if (m_write >= 0)
            ::close(m_write);
        m_write = -1;
    }

private:
    int m_saved{-1};
    int m_write{-1};
};

TEST(StdioBackend, PipeInputWithoutEscapesThenEof) {
    PipeStdin input;
    auto backend = open_stdio_backend();
    ASSERT_TRUE(backend) << backend.error().message();
    EXPECT_EQ((*backend)->input_fd(), STDIN_FILENO);

    std::vector<u8> out;
    EXPECT_EQ((*backend)->read_input(out), InputEvent::None); // nothing yet, and no blocking
    input.send("abc\x01x");                                   // not a terminal: Ctrl-A is just data
    EXPECT_EQ((*backend)->read_input(out), InputEvent::Data);
    EXPECT_EQ(out, bytes_of("abc\x01x"));
    input.close_writer();
    EXPECT_EQ((*backend)->read_input(out), InputEvent::Eof);
    EXPECT_TRUE(out.empty());
    EXPECT_EQ((*backend)->read_input(out), InputEvent::None); // after Eof, quiet
}

TEST(StdioBackend, RestoreTerminalIsIdempotentWithoutRawMode) {
    restore_terminal();
    restore_terminal();
    std::string_view help = escape_help_text();
    ASSERT_GE(help.size(), 2u);
    EXPECT_EQ(help.substr(help.size() - 2), "\r\n");
}

} // namespace
} // namespace kite
