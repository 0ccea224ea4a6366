#include "acpi/aml.h"

#include <gtest/gtest.h>

namespace kite::acpi::aml {
namespace {

using B = std::vector<u8>;

// The bytes of a name segment, e.g. seg("PCI0").
B seg(std::string_view s) {
    return B(s.begin(), s.end());
}

B cat(std::initializer_list<B> parts) {
    B out;
    for (const auto& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

TEST(AmlPkgLength, OneByteUpTo63) {
    EXPECT_EQ(pkg_length(0), (B{0x01}));
    EXPECT_EQ(pkg_length(62), (B{0x3f}));
}

TEST(AmlPkgLength, TwoBytesFrom64) {
    // 63 bytes of payload plus a two-byte length is 65 = 0x41.
    EXPECT_EQ(pkg_length(63), (B{0x41, 0x04}));
    EXPECT_EQ(pkg_length(4093), (B{0x4f, 0xff})); // 0xfff, the largest two-byte length
}

TEST(AmlPkgLength, ThreeAndFourBytes) {
    // 4094 + 2 would be 0x1000, too long for two bytes; with three it is 0x1001.
    EXPECT_EQ(pkg_length(4094), (B{0x81, 0x00, 0x01}));
    EXPECT_EQ(pkg_length(0xffffc), (B{0x8f, 0xff, 0xff})); // 0xfffff
    EXPECT_EQ(pkg_length(0xffffd), (B{0xc1, 0x00, 0x00, 0x01}));
    EXPECT_EQ(pkg_length(0xffffff0), (B{0xc4, 0xff, 0xff, 0xff}));
}

TEST(AmlPkgLength, PlainEncodedLength) {
    EXPECT_EQ(encoded_length(0x3f), (B{0x3f}));
    EXPECT_EQ(encoded_length(0x40), (B{0x40, 0x04}));
    EXPECT_EQ(encoded_length(0x1000), (B{0x80, 0x00, 0x01}));
}

TEST(AmlInteger, ShortestEncoding) {
    EXPECT_EQ(integer(0), (B{0x00}));
    EXPECT_EQ(integer(1), (B{0x01}));
    EXPECT_EQ(integer(2), (B{0x0a, 0x02}));
    EXPECT_EQ(integer(0xff), (B{0x0a, 0xff}));
    EXPECT_EQ(integer(0x100), (B{0x0b, 0x00, 0x01}));
    EXPECT_EQ(integer(0x10000), (B{0x0c, 0x00, 0x00, 0x01, 0x00}));
    EXPECT_EQ(integer(0x1'0000'0000), (B{0x0e, 0, 0, 0, 0, 1, 0, 0, 0}));
    EXPECT_EQ(ones(), (B{0xff}));
}

TEST(AmlInteger, FixedWidthsKeepTheirWidth) {
    EXPECT_EQ(byte_const(1), (B{0x0a, 0x01}));
    EXPECT_EQ(word_const(1), (B{0x0b, 0x01, 0x00}));
    EXPECT_EQ(dword_const(0x12345678), (B{0x0c, 0x78, 0x56, 0x34, 0x12}));
    EXPECT_EQ(qword_const(1), (B{0x0e, 1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(AmlName, SegmentsArePadded) {
    EXPECT_EQ(name_string("_SB"), seg("_SB_"));
    EXPECT_EQ(name_string("PCI0"), seg("PCI0"));
}

TEST(AmlName, RootParentAndMultiSegmentPaths) {
    EXPECT_EQ(name_string("\\_SB"), cat({{0x5c}, seg("_SB_")}));
    EXPECT_EQ(name_string("\\_SB.PCI0"), cat({{0x5c, 0x2e}, seg("_SB_PCI0")}));
    EXPECT_EQ(name_string("\\_SB.PCI0.S08"), cat({{0x5c, 0x2f, 0x03}, seg("_SB_PCI0S08_")}));
    EXPECT_EQ(name_string("^^FOO"), cat({{0x5e, 0x5e}, seg("FOO_")}));
    EXPECT_EQ(name_string(""), (B{0x00}));
    EXPECT_EQ(name_string("\\"), (B{0x5c, 0x00}));
}

TEST(AmlData, EisaIdStringBufferPackage) {
    EXPECT_EQ(eisa_id("PNP0A08"), (B{0x0c, 0x41, 0xd0, 0x0a, 0x08}));
    EXPECT_EQ(eisa_id("PNP0501"), (B{0x0c, 0x41, 0xd0, 0x05, 0x01}));
    EXPECT_EQ(string("ab"), (B{0x0d, 'a', 'b', 0x00}));
    EXPECT_EQ(buffer(B{1, 2, 3}), (B{0x11, 0x06, 0x0a, 0x03, 1, 2, 3}));
    EXPECT_EQ(package({one(), zero()}), (B{0x12, 0x04, 0x02, 0x01, 0x00}));
    EXPECT_EQ(uuid("33db4d5b-1ff7-401c-9657-7441c03dd766"),
              (B{0x11, 0x13, 0x0a, 0x10, 0x5b, 0x4d, 0xdb, 0x33, 0xf7, 0x1f, 0x1c, 0x40, 0x96, 0x57, 0x74, 0x41,
                 0xc0, 0x3d, 0xd7, 0x66}));
}

TEST(AmlObjects, NameScopeDeviceMethod) {
    EXPECT_EQ(name("_UID", one()), cat({{0x08}, seg("_UID"), {0x01}}));
    EXPECT_EQ(scope("\\_SB", {}), cat({{0x10, 0x06, 0x5c}, seg("_SB_")}));
    EXPECT_EQ(device("DEV", {}), cat({{0x5b, 0x82, 0x05}, seg("DEV_")}));
    // Serialized, one argument: flags 0x09.
    EXPECT_EQ(method("FOO", 1, true, {return_(one())}), cat({{0x14, 0x08}, seg("FOO_"), {0x09, 0xa4, 0x01}}));
    EXPECT_EQ(method("BAR", 0, false, {}), cat({{0x14, 0x06}, seg("BAR_"), {0x00}}));
}

TEST(AmlObjects, ALargeDeviceGetsATwoByteLength) {
    TermList body(20, name("_UID", one())); // 20 * 6 bytes
    Term d = device("BIG", body);
    ASSERT_EQ(d.size(), 2u + 2u + 4u + 120u);
    EXPECT_EQ(B(d.begin(), d.begin() + 4), (B{0x5b, 0x82, 0x4e, 0x07})); // 126 = 0x7e
}

TEST(AmlStatements, ControlFlowAndArithmetic) {
    EXPECT_EQ(if_(lequal(arg(0), one()), {return_(one())}), (B{0xa0, 0x06, 0x93, 0x68, 0x01, 0xa4, 0x01}));
    EXPECT_EQ(else_({return_(zero())}), (B{0xa1, 0x03, 0xa4, 0x00}));
    EXPECT_EQ(store(integer(5), local(0)), (B{0x70, 0x0a, 0x05, 0x60}));
    EXPECT_EQ(and_(local(0), integer(0x1f), local(1)), (B{0x7b, 0x60, 0x0a, 0x1f, 0x61}));
    EXPECT_EQ(or_(arg(2), one(), {}), (B{0x7d, 0x6a, 0x01, 0x00}));
    EXPECT_EQ(shift_left(one(), integer(3), null_target()), (B{0x79, 0x01, 0x0a, 0x03, 0x00}));
    EXPECT_EQ(lnot(zero()), (B{0x92, 0x00}));
    EXPECT_EQ(create_dword_field(arg(3), integer(8), "CDW3"), cat({{0x8a, 0x6b, 0x0a, 0x08}, seg("CDW3")}));
}

TEST(AmlRegions, OperationRegionAndField) {
    EXPECT_EQ(operation_region("PMIO", RegionSpace::SystemIo, integer(0x600), integer(4)),
              cat({{0x5b, 0x80}, seg("PMIO"), {0x01, 0x0b, 0x00, 0x06, 0x0a, 0x04}}));
    // Byte access, lock, WriteAsZeros: 0x01 | 0x10 | 0x40.
    EXPECT_EQ(field("PMIO", FieldAccess::Byte, true, FieldUpdate::WriteAsZeros, {{"", 10}, {"SLPT", 3}}),
              cat({{0x5b, 0x81, 0x0d}, seg("PMIO"), {0x51, 0x00, 0x0a}, seg("SLPT"), {0x03}}));
}

TEST(AmlResources, SmallDescriptors) {
    EXPECT_EQ(res::io(0x3f8, 0x3f8, 1, 8), (B{0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08}));
    EXPECT_EQ(res::irq_no_flags(4), (B{0x22, 0x10, 0x00}));
    EXPECT_EQ(res::irq_no_flags(9), (B{0x22, 0x00, 0x02}));
}

TEST(AmlResources, LargeDescriptors) {
    EXPECT_EQ(res::word_bus_number(0, 0xff),
              (B{0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0, 0, 0x00, 0x00, 0xff, 0x00, 0, 0, 0x00, 0x01}));
    EXPECT_EQ(res::word_io(0xd00, 0xffff),
              (B{0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0, 0, 0x00, 0x0d, 0xff, 0xff, 0, 0, 0x00, 0xf3}));
    Term mem = res::dword_memory(0xc000'0000, 0xdfff'ffff, false);
    EXPECT_EQ(mem, (B{0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xff,
                      0xdf, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x20}));
    Term q = res::qword_memory(0x1'0000'0000, 0x1'ffff'ffff, true);
    ASSERT_EQ(q.size(), 46u);
    EXPECT_EQ(B(q.begin(), q.begin() + 6), (B{0x8a, 0x2b, 0x00, 0x00, 0x0c, 0x03}));
    EXPECT_EQ(res::interrupt(16, true, true, true), (B{0x89, 0x06, 0x00, 0x0d, 0x01, 0x10, 0x00, 0x00, 0x00}));
    EXPECT_EQ(res::memory32_fixed(0xb000'0000, 0x1000'0000),
              (B{0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x10}));
}

TEST(AmlResources, TemplateEndsWithAChecksummedEndTag) {
    // 0x22 + 0x10 + 0x79 = 0xab; the checksum 0x55 brings the sum to zero.
    EXPECT_EQ(resource_template({res::irq_no_flags(4)}), (B{0x11, 0x08, 0x0a, 0x05, 0x22, 0x10, 0x00, 0x79, 0x55}));
}

} // namespace
} // namespace kite::acpi::aml
