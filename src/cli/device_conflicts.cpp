#include "cli/device_conflicts.h"

#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <utility>

namespace kite::cli {
namespace {

// What makes two paths the same image: the file they name (links and other
// spellings included) when it exists, else the path itself.
struct ImageIdentity {
    std::optional<std::pair<dev_t, ino_t>> file;
    std::string path;

    bool operator==(const ImageIdentity& other) const {
        return file || other.file ? file == other.file : path == other.path;
    }
};

ImageIdentity identify(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0)
        return {std::pair(st.st_dev, st.st_ino), path};
    return {std::nullopt, std::filesystem::path(path).lexically_normal().string()};
}

Result<void> check_disks(const std::vector<machine::DiskConfig>& disks) {
    std::vector<ImageIdentity> seen;
    for (std::size_t i = 0; i < disks.size(); ++i) {
        ImageIdentity id = identify(disks[i].path);
        for (std::size_t j = 0; j < seen.size(); ++j) {
            if (seen[j] == id)
                return error(
                    "--disk '{}': the same image as --disk '{}' (disks {} and {}); give each image once",
                    disks[i].path, disks[j].path, j, i);
        }
        seen.push_back(std::move(id));
    }
    return {};
}

Result<void> check_macs(const std::vector<machine::NetConfig>& nets) {
    std::vector<net::MacAddress> macs;
    for (std::size_t i = 0; i < nets.size(); ++i) {
        net::MacAddress mac = nets[i].mac.value_or(net::MacAddress::default_for(static_cast<u32>(i)));
        for (std::size_t j = 0; j < macs.size(); ++j) {
            if (macs[j] != mac)
                continue;
            bool explicit_both = nets[i].mac && nets[j].mac;
            return error("--net: NICs {} and {} both have MAC {}{}", j, i, mac.to_string(),
                         explicit_both ? "" : " (NIC n without mac= gets 52:54:00:12:34:56 + n)");
        }
        macs.push_back(mac);
    }
    return {};
}

} // namespace

Result<void> check_device_conflicts(const std::vector<machine::DiskConfig>& disks,
                                    const std::vector<machine::NetConfig>& nets) {
    TRY(check_disks(disks));
    return check_macs(nets);
}

} // namespace kite::cli
