#pragma once

// The two engines of the differential test: Kite's interpreter over a
// FlatMemory, and Unicorn 2 in x86-64 mode, each run on one TestCase.

#include "program_gen.h"

#include <optional>
#include <string>

struct uc_struct;
struct uc_context;

namespace kite::x86::diff {

struct RunResult {
    bool completed{false};    // RIP reached the end of the code
    std::optional<u8> vector; // the exception that stopped it
    bool memory_fault{false}; // it stopped at an unmapped access (Kite: #PF)
    u64 rip{0};
    MachineState state;
    std::string error; // anything else that stopped it
};

class KiteEngine {
public:
    RunResult run(const TestCase& tc);
};

class UnicornEngine {
public:
    UnicornEngine();
    ~UnicornEngine();
    UnicornEngine(const UnicornEngine&) = delete;
    UnicornEngine& operator=(const UnicornEngine&) = delete;

    bool ok() const { return m_uc != nullptr; }
    const std::string& error() const { return m_error; }

    RunResult run(const TestCase& tc);

private:
    uc_struct* m_uc{nullptr};
    uc_context* m_fresh{nullptr};
    std::string m_error;
    std::optional<u8> m_vector;
};

} // namespace kite::x86::diff
