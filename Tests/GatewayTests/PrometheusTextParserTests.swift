import Testing

@testable import Gateway

@Suite struct PrometheusTextParserTests {
    let parser = PrometheusTextParser()

    @Test func parsesHelpTypeAndSamplesWithLabelsAndTimestamps() {
        let text = """
            # HELP http_requests_total The total number of HTTP requests.
            # TYPE http_requests_total counter
            http_requests_total{method="post",code="200"} 1027 1395066363000
            http_requests_total{method="post",code="400"}    3 1395066363000

            # A plain comment
            metric_without_timestamp_and_labels 12.47
            """
        let scrape = parser.parse(text)
        #expect(scrape.issues.isEmpty)
        #expect(scrape.types == ["http_requests_total": .counter])
        #expect(scrape.help["http_requests_total"] == "The total number of HTTP requests.")
        #expect(scrape.samples.count == 3)
        #expect(
            scrape.samples[0]
                == PrometheusSample(
                    name: "http_requests_total",
                    labels: ["method": "post", "code": "200"],
                    value: 1027,
                    timestamp: 1_395_066_363_000
                )
        )
        #expect(scrape.samples[1].value == 3)
        #expect(scrape.samples[2] == PrometheusSample(name: "metric_without_timestamp_and_labels", value: 12.47))
        #expect(scrape.sum(of: "http_requests_total") == 1030)
    }

    @Test func unescapesLabelValuesAndHelpText() {
        let text = #"""
            # HELP msdos_file_access_time_seconds A help with a \\ backslash and a \n newline.
            msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9
            weird{a="{},=\"", b = "ünï" ,} -0
            """#
        let scrape = parser.parse(text)
        #expect(scrape.issues.isEmpty)
        #expect(scrape.help["msdos_file_access_time_seconds"] == "A help with a \\ backslash and a \n newline.")
        #expect(scrape.samples[0].labels["path"] == #"C:\DIR\FILE.TXT"#)
        #expect(scrape.samples[0].labels["error"] == "Cannot find file:\n\"FILE.TXT\"")
        #expect(scrape.samples[0].value == 1_458_255_915)
        #expect(scrape.samples[1].labels == ["a": #"{},=""#, "b": "ünï"])
    }

    @Test func parsesSpecialAndExponentValues() {
        let text = """
            a NaN
            b +Inf
            c -Inf
            d 1.5e+09
            e -3.2E-3
            f 0x10
            g 7 -1
            """
        let scrape = parser.parse(text)
        #expect(scrape.issues.isEmpty)
        let values = scrape.samples.map(\.value)
        #expect(values[0].isNaN)
        #expect(values[1] == .infinity)
        #expect(values[2] == -.infinity)
        #expect(values[3] == 1.5e9)
        #expect(values[4] == -3.2e-3)
        #expect(values[5] == 16)
        #expect(scrape.samples[6].timestamp == -1)
    }

    @Test func parsesHistogramAndSummaryFamilies() {
        let text = """
            # TYPE rpc_duration_seconds summary
            rpc_duration_seconds{quantile="0.5"} 4773
            rpc_duration_seconds{quantile="0.99"} 76656
            rpc_duration_seconds_sum 1.7560473e+07
            rpc_duration_seconds_count 2693
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{le="0.05"} 24054
            http_request_duration_seconds_bucket{le="+Inf"} 144320
            http_request_duration_seconds_sum 53423
            http_request_duration_seconds_count 144320
            """
        let scrape = parser.parse(text)
        #expect(scrape.issues.isEmpty)
        #expect(scrape.samples.count == 8)
        #expect(scrape.samples[1].quantile == 0.99)
        #expect(scrape.samples[5].bucketUpperBound == .infinity)
        #expect(scrape.family(ofSample: "http_request_duration_seconds_bucket") == "http_request_duration_seconds")
        #expect(scrape.type(ofSample: "rpc_duration_seconds_count") == .summary)
        #expect(scrape.type(ofSample: "http_request_duration_seconds_sum") == .histogram)
        #expect(scrape.family(ofSample: "rpc_duration_seconds_bucket") == "rpc_duration_seconds_bucket")
    }

    @Test func acceptsCRLFAndBlankLinesAndLeadingWhitespace() {
        let scrape = parser.parse("# TYPE x gauge\r\nx{a=\"1\"} 2\r\n\r\n   \t\r\n  y 3\r\n")
        #expect(scrape.issues.isEmpty)
        #expect(
            scrape.samples == [PrometheusSample(name: "x", labels: ["a": "1"], value: 2), .init(name: "y", value: 3)]
        )
        #expect(scrape.types["x"] == .gauge)
    }

    @Test func emptyTextHasNoSamplesAndNoIssues() throws {
        #expect(parser.parse("") == PrometheusScrape())
        #expect(parser.parse("\n\n\r\n") == PrometheusScrape())
        #expect(try parser.parseStrict("") == PrometheusScrape())
    }

    @Test func skipsMalformedLinesWithLineNumbersAndKeepsGoodSamples() {
        let text = """
            good_one 1
            bad_value{a="b"} abc
            unterminated{a="b 1
            {a="b"} 1
            no_value{a="b"}
            bad_escape{a="\\q"} 1
            dup{a="1",a="2"} 1
            unquoted{a=b} 1
            missing_close{a="b" 1
            trailing 1 2 3
            bad_ts 1 soon
            # TYPE t flavour
            # TYPE
            # TYPE h histogram
            h_bucket{x="1"} 1
            h_bucket{le="wide"} 1
            good_two 2
            """
        let scrape = parser.parse(text)
        #expect(scrape.samples.map(\.name) == ["good_one", "good_two"])
        #expect(scrape.issues.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16])
        let reasons = Dictionary(uniqueKeysWithValues: scrape.issues.map { ($0.line, $0.reason) })
        #expect(reasons[2] == "value 'abc' is not a number")
        #expect(reasons[3] == "label value is not terminated")
        #expect(reasons[4] == "line does not start with a metric name")
        #expect(reasons[5] == "sample has no value")
        #expect(reasons[6]?.contains("invalid escape") == true)
        #expect(reasons[7] == "label 'a' appears twice")
        #expect(reasons[8] == "value of label 'a' is not quoted")
        #expect(reasons[10] == "unexpected text after the timestamp")
        #expect(reasons[11]?.hasPrefix("timestamp 'soon'") == true)
        #expect(reasons[12]?.hasPrefix("unknown metric type 'flavour'") == true)
        #expect(reasons[13] == "TYPE line has no metric name")
        #expect(reasons[15] == "histogram bucket has no 'le' label")
        #expect(scrape.issues[0].text == #"bad_value{a="b"} abc"#)
    }

    @Test func survivesBinaryGarbage() {
        var bytes: [UInt8] = Array("ok 1\n".utf8)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes.append(UInt8(truncatingIfNeeded: state >> 56))
        }
        bytes += Array("\nstill_ok{a=\"\u{00FF}\"} 2\n".utf8)
        bytes += [0x66, 0x7B, 0x61, 0x3D, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x20, 0x33, 0x0A]  // f{a="\xFF\xFE"} 3
        let scrape = parser.parse(utf8: bytes)
        #expect(scrape.samples.first?.name == "ok")
        #expect(scrape.samples.contains { $0.name == "still_ok" && $0.value == 2 })
        #expect(scrape.samples.contains { $0.name == "f" && $0.value == 3 })
        #expect(!scrape.issues.isEmpty)
        #expect(scrape.issues.allSatisfy { $0.line > 1 && $0.text.count <= PrometheusParseIssue.maxTextLength })
    }

    @Test func survivesTruncatedInputAtEveryLength() {
        let text = "# HELP a x\\n\n# TYPE a histogram\n" + #"a_bucket{le="1",m="q\"\\"} 1 17"# + "\nb NaN\n"
        let bytes = Array(text.utf8)
        for length in 0...bytes.count {
            let scrape = parser.parse(utf8: Array(bytes[0..<length]))
            #expect(scrape.samples.count + scrape.issues.count <= 4)
        }
    }

    @Test func strictModeThrowsNamingTheFirstBadLine() {
        let text = "a 1\r\nb{x=\"1\"} one\r\nc{ 3\r\n"
        #expect(throws: PrometheusParseError.self) { try parser.parseStrict(text) }
        do {
            _ = try parser.parseStrict(utf8: Array(text.utf8))
            Issue.record("strict parse accepted a bad value")
        } catch {
            #expect(error.line == 2)
            #expect(error.description == #"Prometheus text line 2: value 'one' is not a number: 'b{x="1"} one'."#)
        }
    }

    @Test func clipsLongIssueText() {
        let scrape = parser.parse("x{a=\"" + String(repeating: "z", count: 10_000))
        #expect(scrape.issues.count == 1)
        #expect(scrape.issues[0].text.count == PrometheusParseIssue.maxTextLength)
    }
}
