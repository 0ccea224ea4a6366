#include "base/thread_name.h"

#include <pthread.h>

namespace kite {

void set_current_thread_name(const std::string& name) {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

} // namespace kite
