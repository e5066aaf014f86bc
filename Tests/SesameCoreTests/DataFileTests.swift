import Foundation
import Testing

@testable import SesameCore

@Suite struct DataFileTests {
    @Test func csvFieldsQuotesHeadersAndLineEnds() throws {
        let csv = "emailAddress,attributes,news\r\n\"a@x.org\",\"{\"\"k\"\": \"\"v, w\"\"}\",OPT_IN\nb@x.org,,\r\n\n"
        let records = try DataFile.records(Array(csv.utf8), format: "CSV", columns: ["ignored"])
        #expect(records == [["emailAddress": "a@x.org", "attributes": #"{"k": "v, w"}"#, "news": "OPT_IN"], ["emailAddress": "b@x.org"]])
        // Without a header row, the given columns name the fields.
        let bare = try DataFile.records(Array("c@x.org,BOUNCE".utf8), format: "CSV", columns: ["emailAddress", "reason"])
        #expect(bare == [["emailAddress": "c@x.org", "reason": "BOUNCE"]])
        // An unterminated quote runs to the end instead of failing.
        #expect(try DataFile.records(Array("\"d@x.org".utf8), format: "CSV", columns: ["emailAddress"]) == [["emailAddress": "d@x.org"]])
    }

    @Test func jsonLinesKeepNestedValuesAsJSONText() throws {
        let lines = #"{"emailAddress":"a@x.org","unsubscribeAll":true,"topicPreferences":[{"TopicName":"t"}]}"# + "\n\n"
        let records = try DataFile.records(Array(lines.utf8), format: "JSON", columns: [])
        #expect(records.count == 1 && records[0]["emailAddress"] == "a@x.org")
        #expect(["true", "1"].contains(records[0]["unsubscribeAll"] ?? ""))
        #expect(records[0]["topicPreferences"].map { $0.contains("\"TopicName\"") } == true)
        #expect(throws: SesameError.self) { try DataFile.records(Array("[1]\n".utf8), format: "JSON", columns: []) }
    }

    @Test func writtenFilesReadBack() throws {
        let rows = [[("emailAddress", "a@x.org"), ("note", "has, comma \"and quote\"")]]
        let csv = DataFile.write(rows, format: "CSV")
        #expect(String(decoding: csv, as: UTF8.self) == "emailAddress,note\r\na@x.org,\"has, comma \"\"and quote\"\"\"\r\n")
        #expect(try DataFile.records(csv, format: "CSV", columns: []) == [["emailAddress": "a@x.org", "note": "has, comma \"and quote\""]])
        let json = DataFile.write(rows, format: "JSON")
        #expect(
            try DataFile.records(json, format: "JSON", columns: []) == [["emailAddress": "a@x.org", "note": "has, comma \"and quote\""]])
    }

    @Test func s3URLsNameABucketAndAKeyInsideIt() {
        #expect(DataJob.location("s3://b/k/x.csv")! == ("b", "k/x.csv"))
        for bad in ["s3://b", "s3:///k", "http://b/k", "s3://b/../k", "s3://b/"] { #expect(DataJob.location(bad) == nil) }
    }
}
