import Foundation
import Testing

@testable import FerryEngine

/// Signature Version 4 as the AWS documentation's S3 examples sign them ("Authenticating
/// Requests: Using the Authorization Header", examplebucket, 2013-05-24).
@Suite struct SigV4Tests {
    static let signer = SigV4(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func getObjectWithARange() {
        let headers = Self.signer.sign(
            method: "GET", path: "/test.txt", headers: ["Host": "examplebucket.s3.amazonaws.com", "Range": "bytes=0-9"],
            payloadSHA256: Self.emptySHA256, date: Self.date)
        #expect(headers["x-amz-date"] == "20130524T000000Z")
        #expect(headers["authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectWithAnEncodedKeyAndAStorageClass() {
        let headers = Self.signer.sign(
            method: "PUT", path: "/test$file.text",
            headers: ["Host": "examplebucket.s3.amazonaws.com", "Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"],
            payloadSHA256: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072", date: Self.date)
        #expect(headers["authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func listObjectsWithAQuery() {
        let headers = Self.signer.sign(
            method: "GET", path: "/", query: [("max-keys", "2"), ("prefix", "J")], headers: ["Host": "examplebucket.s3.amazonaws.com"],
            payloadSHA256: Self.emptySHA256, date: Self.date)
        #expect(headers["authorization"]?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func keysAreEncodedSegmentBySegment() {
        #expect(SigV4.encodePath("/bucket/p2/acme/lib~dev.json") == "/bucket/p2/acme/lib~dev.json")
        #expect(SigV4.encodePath("/bucket/a b/c+d$.txt") == "/bucket/a%20b/c%2Bd%24.txt")
    }
}
