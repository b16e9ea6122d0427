import XCTest
@testable import Experiments

final class DatasetLoaderTests: XCTestCase {}

// MARK: - CoOp split files
extension DatasetLoaderTests {
    func testSplitFileLayoutWithCoOpNameAndImageFolder() throws {
        let tmp = TempFolder()
        let split = """
        {"train": [["airplanes/a1.png", 0, "airplane"], ["Faces/f1.png", 1, "face"], ["airplanes/a2.png", 0, "airplane"]],
         "val": [["Faces/f2.png", 1, "face"]],
         "test": [["airplanes/a3.png", 0, "airplane"], ["stop_sign/s1.png", 2, "stop_sign"]]}
        """
        tmp.write("split_zhou_Caltech101.json", text: split)
        for p in ["airplanes/a1.png", "Faces/f1.png", "airplanes/a2.png", "Faces/f2.png", "airplanes/a3.png", "stop_sign/s1.png"] {
            tmp.write("101_ObjectCategories/\(p)", TinyPNG.solid(1, 2, 3))
        }
        let d = try DatasetLoader.load(DatasetSource(name: "Caltech101", root: tmp.url.path))
        XCTAssertEqual(d.imageRoot.lastPathComponent, "101_ObjectCategories")
        XCTAssertEqual(d.train.map(\.path), ["airplanes/a1.png", "Faces/f1.png", "airplanes/a2.png"])
        XCTAssertEqual(d.classNames, ["airplane", "face"])
        XCTAssertEqual(d.test.last?.className, "stop sign")   // underscores → spaces
        XCTAssertEqual(d.val.count, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: d.url(of: d.train[0]).path))
    }

    func testSplitFileOfUnknownNameDetectsImagesFolder() throws {
        let tmp = TempFolder()
        tmp.write("split_world_shapes.json", text: #"{"train": [["red/1.png", 0, "red_square"]], "val": [], "test": [["red/2.png", 0, "red_square"]]}"#)
        tmp.write("images/red/1.png", TinyPNG.solid(255, 0, 0)); tmp.write("images/red/2.png", TinyPNG.solid(255, 0, 0))
        let d = try DatasetLoader.load(DatasetSource(name: "Shapes", root: tmp.url.path))
        XCTAssertEqual(d.imageRoot.lastPathComponent, "images")
        XCTAssertEqual(d.classNames, ["red square"])
    }

    func testMissingFolderAndMissingImagesSayWhereAndWhat() {
        XCTAssertThrowsError(try DatasetLoader.load(DatasetSource(name: "OxfordPets", root: "/nonexistent/pets"))) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("/nonexistent/pets"), message)
            XCTAssertTrue(message.contains("\"root\""), message)
        }
        let tmp = TempFolder()
        tmp.write("split_zhou_OxfordPets.json", text: #"{"train": [["x.png", 0, "pug"]], "val": [], "test": []}"#)
        XCTAssertThrowsError(try DatasetLoader.load(DatasetSource(name: "OxfordPets", root: tmp.url.path))) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("images/x.png"), message)
            XCTAssertTrue(message.contains("imageDir"), message)
        }
        let empty = TempFolder()
        XCTAssertThrowsError(try DatasetLoader.load(DatasetSource(name: "Empty", root: empty.url.path))) { error in
            XCTAssertTrue(String(describing: error).contains("no images"), String(describing: error))
        }
    }
}

// MARK: - FGVCAircraft and ImageNet layouts
extension DatasetLoaderTests {
    func testFGVCAircraftVariantFiles() throws {
        let tmp = TempFolder()
        tmp.write("variants.txt", text: "707-320\nA300B4\nDC-10\n")
        tmp.write("images_variant_train.txt", text: "0001 A300B4\n0002 707-320\n0003 DC-10\n")
        tmp.write("images_variant_val.txt", text: "0004 DC-10\n")
        tmp.write("images_variant_test.txt", text: "0005 707-320\n")
        for i in 1...5 { tmp.write("images/000\(i).jpg", TinyPNG.solid(9, 9, 9)) }
        let d = try DatasetLoader.load(DatasetSource(name: "FGVCAircraft", root: tmp.url.path))
        XCTAssertEqual(d.train.map(\.path), ["0001.jpg", "0002.jpg", "0003.jpg"])
        XCTAssertEqual(d.train.map(\.label), [1, 0, 2])
        XCTAssertEqual(d.classNames, ["707-320", "A300B4", "DC-10"])
        XCTAssertEqual(d.imageRoot.lastPathComponent, "images")
    }

    func testImageNetFoldersClassNamesAndValAsTest() throws {
        let tmp = TempFolder()
        tmp.write("classnames.txt", text: "n02 goldfish\nn01 great white shark\n")
        for split in ["train", "val"] {
            for wnid in ["n01", "n02"] { tmp.write("images/\(split)/\(wnid)/\(wnid)_1.png", TinyPNG.solid(1, 1, 1)) }
        }
        tmp.write("images/train/n01/.hidden.png", TinyPNG.solid(1, 1, 1))
        let d = try DatasetLoader.load(DatasetSource(name: "ImageNet", root: tmp.url.path))
        XCTAssertEqual(d.classNames, ["great white shark", "goldfish"])   // folders sorted: n01 = 0
        XCTAssertEqual(d.train.map(\.path), ["train/n01/n01_1.png", "train/n02/n02_1.png"])
        XCTAssertEqual(d.test, d.val)
        XCTAssertEqual(d.test.map(\.path), ["val/n01/n01_1.png", "val/n02/n02_1.png"])
    }

    func testImageNetVariants() throws {
        let names = "n01 tench\nn02 goldfish\nn03 shark\n"
        let v2 = TempFolder()
        v2.write("classnames.txt", text: names)
        v2.write("imagenetv2-matched-frequency-format-val/0/a.png", TinyPNG.solid(1, 1, 1))
        v2.write("imagenetv2-matched-frequency-format-val/2/b.png", TinyPNG.solid(1, 1, 1))
        let dv2 = try DatasetLoader.load(DatasetSource(name: "ImageNetV2", root: v2.url.path))
        XCTAssertEqual(dv2.test.map(\.label), [0, 2])
        XCTAssertEqual(dv2.test.map(\.className), ["tench", "shark"])

        let sketch = TempFolder()
        sketch.write("classnames.txt", text: names)
        for w in ["n01", "n02", "n03"] { sketch.write("images/\(w)/s.png", TinyPNG.solid(1, 1, 1)) }
        let ds = try DatasetLoader.load(DatasetSource(name: "ImageNetSketch", root: sketch.url.path))
        XCTAssertEqual(ds.test.map(\.label), [0, 1, 2])

        for (dir, layout) in [("imagenet-a", DatasetLayout.imagenetA), ("imagenet-r", .imagenetR)] {
            let a = TempFolder()
            a.write("classnames.txt", text: names)
            a.write("\(dir)/README.txt", text: "about")
            a.write("\(dir)/n03/x.png", TinyPNG.solid(1, 1, 1))
            a.write("\(dir)/n02/y.png", TinyPNG.solid(1, 1, 1))
            // A and R label the folders present (here 2 of 3), sorted, skipping README.txt.
            let da = try DatasetLoader.load(DatasetSource(name: "X", root: a.url.path))
            XCTAssertEqual(DatasetLoader.detectLayout(a.url), layout)
            XCTAssertEqual(da.test.map(\.className), ["goldfish", "shark"])
            XCTAssertEqual(da.test.map(\.label), [0, 1])
        }
    }
}

// MARK: - Class folders
extension DatasetLoaderTests {
    func testTrainTestSubfolders() throws {
        let tmp = TempFolder()
        for (split, files) in [("train", ["a.png", "b.png"]), ("val", ["c.png"]), ("test", ["d.png"])] {
            for cls in ["zebra", "ant_eater"] { for f in files { tmp.write("\(split)/\(cls)/\(f)", TinyPNG.solid(1, 1, 1)) } }
        }
        tmp.write("train/zebra/notes.txt", text: "not an image")
        let d = try DatasetLoader.load(DatasetSource(name: "Zoo", root: tmp.url.path))
        XCTAssertEqual(d.classNames, ["ant eater", "zebra"])
        XCTAssertEqual(d.train.count, 4); XCTAssertEqual(d.val.count, 2); XCTAssertEqual(d.test.count, 2)
        XCTAssertEqual(d.train.first?.path, "train/ant_eater/a.png")
    }

    func testSeededSplitOfClassFoldersWithCaltechRules() throws {
        let tmp = TempFolder()
        for cls in ["airplanes", "Faces", "Faces_easy", "BACKGROUND_Google", "Leopards"] {
            for i in 0..<10 { tmp.write("\(cls)/img\(i).png", TinyPNG.solid(UInt8(i), 0, 0)) }
        }
        let source = DatasetSource(name: "Caltech101", root: tmp.url.path, layout: .folders, splitSeed: 1)
        let d = try DatasetLoader.load(source)
        XCTAssertEqual(d.classNames, ["face", "leopard", "airplane"])  // sorted folders: Faces, Leopards, airplanes
        XCTAssertEqual(d.train.count, 15); XCTAssertEqual(d.val.count, 6); XCTAssertEqual(d.test.count, 9)
        XCTAssertEqual(try DatasetLoader.load(source), d)   // deterministic
        // The shuffle is CPython's: class 0's train is the first 5 of shuffle(sorted names) with random.seed(1).
        var rng = PythonRandom(seed: 1)
        var names = (0..<10).map { "img\($0).png" }
        rng.shuffle(&names)
        XCTAssertEqual(d.train.prefix(5).map(\.path), names.prefix(5).map { "Faces/\($0)" })
    }
}
