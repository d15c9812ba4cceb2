import Foundation

/// Weights and lazy Adam moments (Kingma and Ba, 2015) for a row-major table of `rows × classes` parameters.
///
/// Gradients of a mini-batch accumulate in `gradient`; `step` then updates only the rows that were touched, with
/// the bias corrections of the global step count, and clears them for the next batch.
struct AdamState {
    let classes: Int
    let learningRate: Float
    let l2: Float
    let beta1: Float = 0.9
    let beta2: Float = 0.999
    let epsilon: Float = 1e-8
    private(set) var weights: [Float]
    private var first: [Float]
    private var second: [Float]
    private var gradient: [Float]
    private var touched: [Bool]
    private var touchedRows: [Int] = []
    private var steps = 0

    init(rows: Int, classes: Int, learningRate: Float, l2: Float) {
        self.classes = classes
        self.learningRate = learningRate
        self.l2 = l2
        weights = [Float](repeating: 0, count: rows * classes)
        first = weights
        second = weights
        gradient = weights
        touched = [Bool](repeating: false, count: rows)
    }

    /// Adds one feature's share of an example's gradient: `value × error[k]` for each class.
    mutating func accumulate(row: Int, value: Float, error: [Float]) {
        if !touched[row] {
            touched[row] = true
            touchedRows.append(row)
        }
        let base = row * classes
        for k in 0..<classes { gradient[base + k] += value * error[k] }
    }

    /// One Adam update of the touched rows with the mean gradient over `batchCount` examples.
    mutating func step(batchCount: Int) {
        steps += 1
        let correction1 = 1 - pow(beta1, Float(steps))
        let correction2 = 1 - pow(beta2, Float(steps))
        let scale = 1 / Float(batchCount)
        for row in touchedRows {
            for i in (row * classes)..<(row * classes + classes) {
                let g = gradient[i] * scale + l2 * weights[i]
                first[i] = beta1 * first[i] + (1 - beta1) * g
                second[i] = beta2 * second[i] + (1 - beta2) * g * g
                weights[i] -=
                    learningRate * (first[i] / correction1) / ((second[i] / correction2).squareRoot() + epsilon)
                gradient[i] = 0
            }
            touched[row] = false
        }
        touchedRows.removeAll(keepingCapacity: true)
    }
}
