// See include/dense_kernel.h. Swift has no way to compile one function for AVX and pick it at run time, and a
// release build for generic x86-64 gives SIMD8<Float> two SSE halves; this file does both, and nothing else.
#include "dense_kernel.h"

#pragma STDC FP_CONTRACT OFF

static void dense_generic(
    const float *w, const float *bias, const float *x, float *y, long rows, long cols, long blocks, int relu) {
    for (long r = 0; r < rows; r++) {
        const float *wr = w + r * cols;
        for (long k = 0; k < blocks; k++) {
            float s[8];
            for (int l = 0; l < 8; l++) s[l] = bias[r];
            for (long c = 0; c < cols; c++) {
                const float wv = wr[c];
                const float *xp = x + (c * blocks + k) * 8;
                for (int l = 0; l < 8; l++) {
                    const float p = wv * xp[l];
                    s[l] = s[l] + p;
                }
            }
            float *yp = y + (r * blocks + k) * 8;
            for (int l = 0; l < 8; l++) yp[l] = (relu && s[l] < 0) ? 0 : s[l];
        }
    }
}

void switchyard_dense_layer_portable(
    const float *w, const float *bias, const float *x, float *y, long rows, long cols, long blocks, int relu) {
    dense_generic(w, bias, x, y, rows, cols, blocks, relu);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

__attribute__((target("avx"))) static inline __m256 relu256(__m256 s) {
    return _mm256_blendv_ps(s, _mm256_setzero_ps(), _mm256_cmp_ps(s, _mm256_setzero_ps(), _CMP_LT_OQ));
}

__attribute__((target("avx"))) static void dense_avx(
    const float *w, const float *bias, const float *x, float *y, long rows, long cols, long blocks, int relu) {
    for (long r = 0; r < rows; r++) {
        const float *wr = w + r * cols;
        long k = 0;
        // Four blocks (32 rows) at a time, in registers; then one at a time.
        for (; k + 4 <= blocks; k += 4) {
            __m256 s0 = _mm256_set1_ps(bias[r]);
            __m256 s1 = s0, s2 = s0, s3 = s0;
            for (long c = 0; c < cols; c++) {
                const __m256 wv = _mm256_set1_ps(wr[c]);
                const float *xp = x + (c * blocks + k) * 8;
                s0 = _mm256_add_ps(s0, _mm256_mul_ps(wv, _mm256_loadu_ps(xp)));
                s1 = _mm256_add_ps(s1, _mm256_mul_ps(wv, _mm256_loadu_ps(xp + 8)));
                s2 = _mm256_add_ps(s2, _mm256_mul_ps(wv, _mm256_loadu_ps(xp + 16)));
                s3 = _mm256_add_ps(s3, _mm256_mul_ps(wv, _mm256_loadu_ps(xp + 24)));
            }
            float *yp = y + (r * blocks + k) * 8;
            if (relu) {
                s0 = relu256(s0);
                s1 = relu256(s1);
                s2 = relu256(s2);
                s3 = relu256(s3);
            }
            _mm256_storeu_ps(yp, s0);
            _mm256_storeu_ps(yp + 8, s1);
            _mm256_storeu_ps(yp + 16, s2);
            _mm256_storeu_ps(yp + 24, s3);
        }
        for (; k < blocks; k++) {
            __m256 s = _mm256_set1_ps(bias[r]);
            for (long c = 0; c < cols; c++) {
                s = _mm256_add_ps(s, _mm256_mul_ps(_mm256_set1_ps(wr[c]), _mm256_loadu_ps(x + (c * blocks + k) * 8)));
            }
            _mm256_storeu_ps(y + (r * blocks + k) * 8, relu ? relu256(s) : s);
        }
    }
}

// The processor's features are read once, by the runtime's constructor, before main.
int switchyard_dense_kernel_uses_avx(void) { return __builtin_cpu_supports("avx") ? 1 : 0; }

void switchyard_dense_layer(
    const float *w, const float *bias, const float *x, float *y, long rows, long cols, long blocks, int relu) {
    if (switchyard_dense_kernel_uses_avx()) {
        dense_avx(w, bias, x, y, rows, cols, blocks, relu);
    } else {
        dense_generic(w, bias, x, y, rows, cols, blocks, relu);
    }
}
#else
int switchyard_dense_kernel_uses_avx(void) { return 0; }

void switchyard_dense_layer(
    const float *w, const float *bias, const float *x, float *y, long rows, long cols, long blocks, int relu) {
    dense_generic(w, bias, x, y, rows, cols, blocks, relu);
}
#endif
