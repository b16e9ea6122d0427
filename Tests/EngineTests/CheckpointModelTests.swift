// End to end from files: each fixture checkpoint (Hugging Face fp32, Hugging Face fp16, OpenAI-named) loaded by
// Checkpoint.read into CLIPModel reproduces the reference text and image features to 1e-5 relative.
import XCTest
@testable import Engine

final class CheckpointModelTests: XCTestCase {
    static let clip = CheckpointTests.clipFixtures

    struct Reference: Decodable { var token_ids_unpadded: [[Int]] }

    /// max |a − b| / max |b|: the relative error over the whole array.
    func relativeError(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        let scale = b.reduce(0) { max($0, abs($1)) }
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / scale
    }

    func assertReproduces(_ checkpoint: String, reference name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (config, tensors, source) = try Checkpoint.read(from: Self.clip.appendingPathComponent(checkpoint))
        let model = try CLIPModel(config: config, tensors: tensors, source: source)
        let reference = try SafetensorsFile(url: Self.clip.appendingPathComponent("\(name).safetensors"))
        let ids = try JSONDecoder().decode(Reference.self,
                                           from: Data(contentsOf: Self.clip.appendingPathComponent("\(name).json"))).token_ids_unpadded
        let text = model.text.encode(tokenIds: ids)
        XCTAssertLessThan(relativeError(text, try reference.tensor("text_features").values), 1e-5, "\(checkpoint) text", file: file, line: line)
        let pixels = try reference.tensor("pixels")
        let image = model.vision.encode(pixels: pixels.values, count: pixels.shape[0])
        XCTAssertLessThan(relativeError(image, try reference.tensor("image_features").values), 1e-5, "\(checkpoint) image", file: file, line: line)
        XCTAssertEqual(model.logitScale, try reference.tensor("logit_scale").values[0], file: file, line: line)
    }
}

// MARK: - Reference features through the loader
extension CheckpointModelTests {
    func testHuggingFaceFP32FolderReproducesReferenceFeatures() throws {
        try assertReproduces("modelA", reference: "reference_A")
    }

    func testOpenAINamedFileReproducesReferenceFeatures() throws {
        try assertReproduces("modelA_openai.safetensors", reference: "reference_A")
    }

    func testHuggingFaceFP16FolderReproducesReferenceFeatures() throws {
        try assertReproduces("modelB", reference: "reference_B")
    }
}
