import Testing

@testable import Console

@Suite struct FormatTests {
    @Test func formatsNumbers() {
        #expect(Format.fixed(4.21, 2) == "4.21")
        #expect(Format.fixed(123.44, 1) == "123.4")
        #expect(Format.fixed(-2.5, 1) == "-2.5")
        #expect(Format.fixed(-0.04, 1) == "0.0")
        #expect(Format.fixed(.nan, 1) == "–")
        #expect(Format.thousands(1_234_567) == "1,234,567")
        #expect(Format.thousands(-1200) == "-1,200")
        #expect(Format.thousands(999) == "999")
        #expect(Format.compact(950) == "950")
        #expect(Format.compact(4100) == "4.1k")
        #expect(Format.compact(12_345) == "12k")
        #expect(Format.compact(1_200_000) == "1.2M")
    }

    @Test func formatsDurationsRatesAndChanges() {
        #expect(Format.seconds(0.0085) == "8.5ms")
        #expect(Format.seconds(0.031) == "31ms")
        #expect(Format.seconds(0.41) == "0.41s")
        #expect(Format.seconds(18.3) == "18.3s")
        #expect(Format.seconds(123.4) == "123s")
        #expect(Format.seconds(0) == "0s")
        #expect(Format.rate(5.24) == "5.2")
        #expect(Format.rate(1234.4) == "1,234")
        #expect(Format.speed(0.25) == "0.25")
        #expect(Format.speed(0.5) == "0.5")
        #expect(Format.speed(1) == "1.0")
        #expect(Format.speed(20) == "20")
        #expect(Format.percent(0.47) == "47%")
        #expect(Format.signedPercent(0.215) == "+21.5%")
        #expect(Format.signedPercent(-0.04) == "-4.0%")
        #expect(Format.signedPercent(0) == "±0.0%")
        #expect(Format.score(0.41) == "0.41")
        #expect(Format.score(41.26) == "41.3")
        #expect(Format.score(9.996) == "10.0", "rounds before choosing the width")
        #expect(Format.score(99.96) == "100")
        #expect(Format.score(4126) == "4126")
        #expect(Format.score(41_260) == "41k")
    }

    @Test func padsAndTruncates() {
        #expect(Format.truncate("least mixing impact", 8) == "least m…")
        #expect(Format.truncate("short", 8) == "short")
        #expect(Format.pad("ab", 4) == "ab  ")
        #expect(Format.pad("ab", 4, right: true) == "  ab")
        #expect(Format.pad("abcdef", 4) == "abcd")
    }
}

@Suite struct BackendNameTests {
    @Test func namesThatShareAHostKeepOnlyTheirPorts() {
        #expect(Format.withoutSharedHost(["127.0.0.1:23001", "127.0.0.1:23002"]) == [":23001", ":23002"])
        #expect(Format.withoutSharedHost(["10.0.0.5:8000", "10.0.0.6:8000"]) == ["10.0.0.5:8000", "10.0.0.6:8000"])
        #expect(Format.withoutSharedHost(["gpu-a", "gpu-b"]) == ["gpu-a", "gpu-b"])
        #expect(Format.withoutSharedHost(["127.0.0.1:1"]) == ["127.0.0.1:1"])
    }
}
