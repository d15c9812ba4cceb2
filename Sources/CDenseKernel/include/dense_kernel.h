// One dense layer over rows laid out eight at a time, for the DQN router's network (Sources/Routing/Learning).
#ifndef SWITCHYARD_DENSE_KERNEL_H
#define SWITCHYARD_DENSE_KERNEL_H

/// y = relu?(W·x + b) for `blocks × 8` rows at once.
/// - `w`: `rows × cols` weights, row-major; `bias`: `rows` numbers.
/// - `x`: the inputs, feature-major in blocks of eight rows: input `c` of rows `8k…8k+7` is `x[(c * blocks + k) * 8 …]`.
/// - `y`: the outputs, laid out the same way (`rows × blocks × 8` numbers).
/// Every lane is `bias + w0·x0 + w1·x1 + …`, summed in that order with no fused multiply-add, so the result is the
/// same to the bit whichever instructions the processor offers (AVX when it has it, else what the compiler makes of
/// plain C).
void switchyard_dense_layer(
    const float *w, const float *bias, const float *x, float *y, long rows, long cols, long blocks, int relu);

/// The same without AVX, whatever the processor: what the tests compare the AVX path with.
void switchyard_dense_layer_portable(
    const float *w, const float *bias, const float *x, float *y, long rows, long cols, long blocks, int relu);

/// 1 when the AVX path is used on this processor, else 0.
int switchyard_dense_kernel_uses_avx(void);

#endif
