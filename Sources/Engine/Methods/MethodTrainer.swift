// What a method's trainer offers the runner (train an epoch, evaluate, checkpoint, save), and what a run gives it.
import Foundation

/// One evaluation split: raw image features, labels indexing `classNames`, and the dataset's hand-crafted template.
public struct EvaluationSet {
    public var features: [Float]
    public var labels: [Int]
    public var classNames: [String]
    /// The zero-shot template for these classes (the method's own template when it sets one).
    public var template: String

    public init(features: [Float], labels: [Int], classNames: [String], template: String) {
        self.features = features; self.labels = labels; self.classNames = classNames; self.template = template
    }
}

/// What a run hands a method's trainer: the frozen model, the training data, the settings.
public struct MethodContext {
    public var tower: PromptTextEncoding
    public var tokenizer: PromptTokenizing
    /// The raw logit_scale parameter (multiplier = exp).
    public var logitScale: Float
    /// The training classes and their zero-shot template (the method's template when it sets one).
    public var classNames: [String]
    public var template: String
    /// Raw image features [rows, D] (one row per image or augmented view), labels, and row → image.
    public var trainFeatures: [Float]
    public var trainLabels: [Int]
    public var imageIndex: [Int]?
    public var training: TrainingSettings
    /// The run's seed (data order, random context init).
    public var seed: Int
    /// Zero-shot CLIP over classes with templates (the caller memoizes it per group).
    public var teacher: (_ classNames: [String], _ templates: [String]) throws -> ZeroShotClassifier

    public init(tower: PromptTextEncoding, tokenizer: PromptTokenizing, logitScale: Float, classNames: [String],
                template: String, trainFeatures: [Float], trainLabels: [Int], imageIndex: [Int]?,
                training: TrainingSettings, seed: Int,
                teacher: @escaping (_ classNames: [String], _ templates: [String]) throws -> ZeroShotClassifier) {
        self.tower = tower; self.tokenizer = tokenizer; self.logitScale = logitScale; self.classNames = classNames
        self.template = template; self.trainFeatures = trainFeatures; self.trainLabels = trainLabels
        self.imageIndex = imageIndex; self.training = training; self.seed = seed; self.teacher = teacher
    }
}

/// A method's trainer for one run.
public protocol MethodTrainer: AnyObject {
    /// Completed epochs.
    var epochsDone: Int { get }
    /// Trains the next epoch; nil when `shouldStop` turned true before a step (resume from the last checkpoint).
    func trainEpoch(shouldStop: () -> Bool) throws -> EpochRecord?
    /// Top-1 accuracy on a split; nil when the method cannot classify those classes (a class-specific context on
    /// classes it was not trained on).
    func accuracy(on set: EvaluationSet) throws -> Double?
    /// The state after the last finished epoch (everything later epochs depend on).
    func checkpoint() throws -> Data
    /// Continues from a checkpoint of a trainer with the same settings and classes.
    func restore(_ checkpoint: Data) throws
    /// Writes what was learned (nothing for methods that learn nothing).
    func saveLearned(to url: URL, info: [String: String]) throws
}
