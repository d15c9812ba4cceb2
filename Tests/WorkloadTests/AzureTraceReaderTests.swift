import Foundation
import SwitchyardCore
import Testing
import Workload

private let header = "TIMESTAMP,ContextTokens,GeneratedTokens\n"

/// The description of the error that parsing `text` as `azure_conv.csv` throws, or nil when it parses.
private func azureError(_ text: String) -> String? {
    do {
        _ = try AzureTraceReader.parse(text, fileName: "azure_conv.csv", hint: "conv")
        return nil
    } catch {
        return "\(error)"
    }
}

@Test func parsesArrivalsAsSecondsSinceTheFirstRow() throws {
    let text =
        header
        + "2023-11-16 18:15:46.6805900,374,44\n"
        + "2023-11-16 18:15:50.9951690,396,109\n"
        + "2023-11-16 18:16:51.2224670,879,55\n"
    let requests = try AzureTraceReader.parse(text, fileName: "t.csv", hint: "conv")
    #expect(requests.map(\.id) == [RequestID(0), RequestID(1), RequestID(2)])
    #expect(requests.map(\.promptTokens) == [374, 396, 879])
    #expect(requests.map(\.outputTokens) == [44, 109, 55])
    #expect(requests.allSatisfy { $0.hint == "conv" && $0.text == nil })
    #expect(requests[0].arrival == 0)
    #expect(abs(requests[1].arrival - 4.314579) < 1e-9)
    #expect(abs(requests[2].arrival - 64.541877) < 1e-9)
}

@Test func keepsArrivalsAcrossMidnightAndMonthEnds() throws {
    let text = header + "2023-11-30 23:59:59.5,10,10\n2023-12-01 00:00:00.25,10,10\n"
    let requests = try AzureTraceReader.parse(text, fileName: "t.csv", hint: nil)
    #expect(abs(requests[1].arrival - 0.75) < 1e-9)
}

@Test func sortsUnsortedRowsByArrivalAndRenumbers() throws {
    let text =
        header + "2023-11-16 18:00:02,2,2\n2023-11-16 18:00:01,1,1\n2023-11-16 18:00:03,3,3\n2023-11-16 18:00:01,4,4\n"
    let requests = try AzureTraceReader.parse(text, fileName: "t.csv", hint: nil)
    #expect(requests.map(\.promptTokens) == [1, 4, 2, 3])
    #expect(requests.map(\.arrival) == [0, 0, 1, 2])
    #expect(requests.map(\.id.rawValue) == [0, 1, 2, 3])
}

@Test func acceptsCRLFBlankLinesReorderedAndExtraColumns() throws {
    let text = "\u{FEFF}GeneratedTokens,Extra,TIMESTAMP,ContextTokens\r\n7,x,2023-11-16 18:00:00,5\r\n\r\n"
    let requests = try AzureTraceReader.parse(text, fileName: "t.csv", hint: nil)
    #expect(requests.count == 1)
    #expect(requests[0].promptTokens == 5)
    #expect(requests[0].outputTokens == 7)
}

@Test func clampsZeroTokenCountsToOne() throws {
    let requests = try AzureTraceReader.parse(header + "2023-11-16 18:00:00,0,0\n", fileName: "t.csv", hint: nil)
    #expect(requests[0].promptTokens == 1)
    #expect(requests[0].outputTokens == 1)
}

@Test func honoursTheRowLimit() throws {
    let text = header + "2023-11-16 18:00:00,1,1\n2023-11-16 18:00:01,2,2\n2023-11-16 18:00:02,3,3\n"
    let requests = try AzureTraceReader.parse(text, fileName: "t.csv", hint: nil, limit: 2)
    #expect(requests.map(\.promptTokens) == [1, 2])
}

@Test func reportsABadNumberWithLineAndField() {
    let text = header + "2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,abc,109\n"
    #expect(azureError(text) == "azure_conv.csv line 3, field ContextTokens: 'abc' is not a non-negative integer.")
}

@Test func reportsANegativeNumber() {
    let text = header + "2023-11-16 18:15:46.6805900,374,-4\n"
    #expect(azureError(text) == "azure_conv.csv line 2, field GeneratedTokens: '-4' is not a non-negative integer.")
}

@Test func reportsAnEmptyField() {
    let text = header + "2023-11-16 18:15:46.6805900,,4\n"
    #expect(azureError(text) == "azure_conv.csv line 2, field ContextTokens: '' is not a non-negative integer.")
}

@Test func reportsABadTimestamp() {
    let bad = ["2023-11-16T18:15", "2023-13-01 00:00:00", "2023-02-30 00:00:00", "2023-11-16 18:15:46.", "yesterday"]
    for value in bad {
        #expect(
            azureError(header + "\(value),1,1\n")
                == "azure_conv.csv line 2, field TIMESTAMP: '\(value)' is not a timestamp like "
                + "'2023-11-16 18:17:03.9799600'."
        )
    }
}

@Test func reportsAMissingHeaderColumn() {
    #expect(
        azureError("TIMESTAMP,ContextTokens\n2023-11-16 18:00:00,1\n")
            == "azure_conv.csv line 1: the header has no column 'GeneratedTokens' (found 'TIMESTAMP,ContextTokens')."
    )
}

@Test func reportsAWrongFieldCount() {
    #expect(
        azureError(header + "2023-11-16 18:00:00,1,1\n2023-11-16 18:00:01,1\n")
            == "azure_conv.csv line 3: expected 3 comma-separated fields as in the header, found 2."
    )
}

@Test func reportsAnEmptyFile() {
    for text in ["", "\n\n", "  \n"] {
        #expect(
            azureError(text)
                == "azure_conv.csv is empty; expected a header line 'TIMESTAMP,ContextTokens,GeneratedTokens'."
        )
    }
}

@Test func reportsAHeaderWithoutRows() {
    #expect(azureError(header) == "azure_conv.csv has a header but no data rows.")
}

@Test func reportsAMissingFile() {
    #expect(throws: WorkloadError.self) {
        try AzureTraceReader.load(path: "/nonexistent/trace.csv", hint: nil)
    }
    do {
        _ = try AzureTraceReader.load(path: "/nonexistent/trace.csv", hint: nil)
    } catch {
        #expect("\(error)" == "Cannot read '/nonexistent/trace.csv': no such file.")
    }
}

@Test(
    .enabled(if: SharedData.has(SharedData.azureConv), "full Azure conv trace not found under SWITCHYARD_DATA")
)
func loadsTheFullAzureConvTrace() throws {
    let requests = try AzureTraceReader.load(path: SharedData.path(SharedData.azureConv), hint: "conv")
    #expect(requests.count == 19_366)
    #expect(requests.first?.arrival == 0)
    // README: 18:15:46.68 to 19:14:08.40, a 3,502 s span.
    #expect(abs((requests.last?.arrival ?? 0) - 3501.7) < 1)
    #expect(requests.map(\.outputTokens).max() == 1000)
    #expect(zip(requests, requests.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
}

@Test(
    .enabled(if: SharedData.has(SharedData.azureCode), "full Azure code trace not found under SWITCHYARD_DATA")
)
func loadsTheFullAzureCodeTrace() throws {
    let requests = try AzureTraceReader.load(path: SharedData.path(SharedData.azureCode), hint: "code")
    #expect(requests.count == 8_819)
    #expect(abs((requests.last?.arrival ?? 0) - 3435.95) < 1)
    let meanPrompt = Double(requests.map(\.promptTokens).reduce(0, +)) / Double(requests.count)
    #expect(abs(meanPrompt - 2048) < 1)
}
