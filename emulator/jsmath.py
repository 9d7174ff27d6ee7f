"""JavaScript's Math functions exactly as Node 20 (V8 11.3) computes them, bit for bit.

V8 does not use the C library for Math.sin/cos/tan/asin/acos/atan/atan2/exp/log/pow: it
has its own ports of Sun's fdlibm 5.3 (e_rem_pio2.c, k_rem_pio2.c, k_sin.c, k_cos.c,
k_tan.c, s_sin.c, s_cos.c, s_tan.c, e_asin.c, e_acos.c, s_atan.c, e_atan2.c, e_exp.c,
e_log.c, e_pow.c). Python's math module uses the platform libm (glibc), whose results
differ in the last bit for a few percent of inputs: Math.pow(10, -5) is
9.999999999999999e-06 in Node but 10.0 ** -5 is 1e-05 in Python.

Each function below follows the fdlibm algorithm step by step. Python floats are IEEE
doubles rounded to nearest and CPython never fuses a multiply-add, so every intermediate
rounds as in the compiled C. Bits are read and written through struct. The fdlibm
int32 "high word" is read signed, as the C code reads it.

JS semantics, not C's: pow(x, NaN) is NaN even for x = 1, pow(±1, ±Infinity) is NaN, and
pow(NaN, ±0) is 1. No function raises: NaN, ±Infinity, ±0, subnormals and huge
arguments give what JS gives. Arguments must be floats (not ints).

Later V8 releases moved some of these (sin, cos, tan, log) to LLVM's libc, so a newer Node
can differ; tests/golden/jsmath/vectors.json names the Node its results came from, and
tests/bench/jsmath_agreement.py measures agreement with whichever Node is installed.
"""

from __future__ import annotations

import math
import struct

__all__ = [
    "acos",
    "asin",
    "atan",
    "atan2",
    "cos",
    "exp",
    "log",
    "pow",
    "sin",
    "sqrt",
    "tan",
]

_h = float.fromhex
_NAN = math.nan
_INF = math.inf

# ## Bit access: (low word unsigned, high word signed), like fdlibm's EXTRACT_WORDS.

_DOUBLE = struct.Struct("<d")
_pack_double = _DOUBLE.pack
_unpack_double = _DOUBLE.unpack
_unpack_words = struct.Struct("<Ii").unpack
_pack_words = struct.Struct("<II").pack
_ZERO_WORD = bytes(4)


def _high(x: float) -> int:
    """The signed high 32 bits of x (GET_HIGH_WORD)."""
    return _unpack_words(_pack_double(x))[1]


def _from_words(hi: int, lo: int) -> float:
    """The double whose high and low 32-bit words are hi and lo (INSERT_WORDS)."""
    return _unpack_double(_pack_words(lo, hi & 0xFFFFFFFF))[0]


def _clear_low(x: float) -> float:
    """x with its low 32 bits zeroed (SET_LOW_WORD(x, 0)): a short-mantissa head of x."""
    return _unpack_double(_ZERO_WORD + _pack_double(x)[4:])[0]


# ## Argument reduction for sin, cos and tan: x = n*pi/2 + (y0 + y1), |y0 + y1| <= pi/4

# 2/pi in 24-bit chunks (ipio2), enough for the largest double.
_TWO_OVER_PI = (
    0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62, 0x95993C, 0x439041,
    0xFE5163, 0xABDEBB, 0xC561B7, 0x246E3A, 0x424DD2, 0xE00649, 0x2EEA09, 0xD1921C,
    0xFE1DEB, 0x1CB129, 0xA73EE8, 0x8235F5, 0x2EBB44, 0x84E99C, 0x7026B4, 0x5F7E41,
    0x3991D6, 0x398353, 0x39F49C, 0x845F8B, 0xBDF928, 0x3B1FF8, 0x97FFDE, 0x05980F,
    0xEF2F11, 0x8B5A0A, 0x6D1F6D, 0x367ECF, 0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D,
    0x7527BA, 0xC7EBE5, 0xF17B3D, 0x0739F7, 0x8A5292, 0xEA6BFB, 0x5FB11F, 0x8D5D08,
    0x560330, 0x46FC7B, 0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3, 0x91615E, 0xE61B08,
    0x659985, 0x5F14A0, 0x68408D, 0xFFD880, 0x4D7327, 0x310606, 0x1556CA, 0x73A8C9,
    0x60E27B, 0xC08C6B,
)  # fmt: skip

# High words of n*pi/2 for n = 1..32: a match means heavy cancellation, so reduce harder.
_NPIO2_HW = (
    0x3FF921FB, 0x400921FB, 0x4012D97C, 0x401921FB, 0x401F6A7A, 0x4022D97C, 0x4025FDBB,
    0x402921FB, 0x402C463A, 0x402F6A7A, 0x4031475C, 0x4032D97C, 0x40346B9C, 0x4035FDBB,
    0x40378FDB, 0x403921FB, 0x403AB41B, 0x403C463A, 0x403DD85A, 0x403F6A7A, 0x40407E4C,
    0x4041475C, 0x4042106C, 0x4042D97C, 0x4043A28C, 0x40446B9C, 0x404534AC, 0x4045FDBB,
    0x4046C6CB, 0x40478FDB, 0x404858EB, 0x404921FB,
)  # fmt: skip

_TWO24 = _h("0x1p24")
_TWON24 = _h("0x1p-24")
_INVPIO2 = _h("0x1.45f306dc9c883p-1")  # 53 bits of 2/pi
_PIO2_1 = _h("0x1.921fb54400000p+0")  # first 33 bits of pi/2
_PIO2_1T = _h("0x1.0b4611a626331p-34")  # pi/2 - PIO2_1
_PIO2_2 = _h("0x1.0b4611a600000p-34")  # second 33 bits of pi/2
_PIO2_2T = _h("0x1.3198a2e037073p-69")  # pi/2 - (PIO2_1 + PIO2_2)
_PIO2_3 = _h("0x1.3198a2e000000p-69")  # third 33 bits of pi/2
_PIO2_3T = _h("0x1.b839a252049c1p-104")  # pi/2 - (PIO2_1 + PIO2_2 + PIO2_3)

# pi/2 cut into 24-bit pieces, for the multi-precision reduction.
_PIO2_CHUNKS = (
    _h("0x1.921fb40000000p+0"),
    _h("0x1.4442d00000000p-24"),
    _h("0x1.8469880000000p-48"),
    _h("0x1.8cc5160000000p-72"),
    _h("0x1.01b8380000000p-96"),
    _h("0x1.a252040000000p-120"),
    _h("0x1.3822280000000p-145"),
    _h("0x1.9f31d00000000p-169"),
)

_JK = 4  # terms of 2/pi to start with for prec = 2 (the precision V8 asks for)


def _kernel_rem_pio2(x: list[float], e0: int) -> tuple[int, float, float]:
    """(n mod 8, y0, y1) with x*2**e0 - n*pi/2 = y0 + y1; x holds 24-bit chunks (__kernel_rem_pio2)."""
    jk = jp = _JK
    jx = len(x) - 1
    jv = max((e0 - 3) // 24, 0)  # C truncates; both give 0 whenever e0 - 3 < 0
    q0 = e0 - 24 * (jv + 1)

    # f[i] = ipio2[jv - jx + i] as doubles (0 before the table starts).
    f = [0.0] * 20
    j = jv - jx
    for i in range(jx + jk + 1):
        f[i] = float(_TWO_OVER_PI[j]) if j >= 0 else 0.0
        j += 1

    q = [0.0] * 20
    for i in range(jk + 1):
        fw = 0.0
        for j in range(jx + 1):
            fw += x[j] * f[jx + i - j]
        q[i] = fw

    iq = [0] * 20
    jz = jk
    z = 0.0
    while True:  # recompute: with more terms of 2/pi when the fraction cancelled to 0
        # Distill q[] into 24-bit integers iq[], lowest first.
        z = q[jz]
        i, j = 0, jz
        while j > 0:
            fw = float(int(_TWON24 * z))
            iq[i] = int(z - _TWO24 * fw)
            z = q[j - 1] + fw
            i += 1
            j -= 1

        # n = integer part mod 8; z = the fraction.
        z = math.ldexp(z, q0)
        z -= 8.0 * math.floor(z * 0.125)
        n = int(z)
        z -= float(n)
        ih = 0
        if q0 > 0:  # the last bits of the integer part are in iq[jz - 1]
            i = iq[jz - 1] >> (24 - q0)
            n += i
            iq[jz - 1] -= i << (24 - q0)
            ih = iq[jz - 1] >> (23 - q0)
        elif q0 == 0:
            ih = iq[jz - 1] >> 23
        elif z >= 0.5:
            ih = 2

        if ih > 0:  # fraction >= 0.5: take n + 1 and the fraction 1 - q (negative result)
            n += 1
            carry = 0
            for i in range(jz):
                j = iq[i]
                if carry == 0:
                    if j != 0:
                        carry = 1
                        iq[i] = 0x1000000 - j
                else:
                    iq[i] = 0xFFFFFF - j
            if q0 == 1:
                iq[jz - 1] &= 0x7FFFFF
            elif q0 == 2:
                iq[jz - 1] &= 0x3FFFFF
            if ih == 2:
                z = 1.0 - z
                if carry != 0:
                    z -= math.ldexp(1.0, q0)

        if z == 0.0:
            j = 0
            for i in range(jz - 1, jk - 1, -1):
                j |= iq[i]
            if j == 0:  # all fraction bits cancelled: bring in k more chunks of 2/pi
                k = 1
                while jk >= k and iq[jk - k] == 0:
                    k += 1
                for i in range(jz + 1, jz + k + 1):
                    f[jx + i] = float(_TWO_OVER_PI[jv + i])
                    fw = 0.0
                    for j in range(jx + 1):
                        fw += x[j] * f[jx + i - j]
                    q[i] = fw
                jz += k
                continue
        break

    # Chop off zero terms, or split the top of z into 24-bit pieces.
    if z == 0.0:
        jz -= 1
        q0 -= 24
        while iq[jz] == 0:
            jz -= 1
            q0 -= 24
    else:
        z = math.ldexp(z, -q0)
        if z >= _TWO24:
            fw = float(int(_TWON24 * z))
            iq[jz] = int(z - _TWO24 * fw)
            jz += 1
            q0 += 24
            iq[jz] = int(fw)
        else:
            iq[jz] = int(z)

    # The fraction as doubles, then times pi/2.
    fw = math.ldexp(1.0, q0)
    for i in range(jz, -1, -1):
        q[i] = fw * iq[i]
        fw *= _TWON24
    fq = [0.0] * 20
    for i in range(jz, -1, -1):
        fw = 0.0
        k = 0
        while k <= jp and k <= jz - i:
            fw += _PIO2_CHUNKS[k] * q[i + k]
            k += 1
        fq[jz - i] = fw

    # Compress fq[] into y0 + y1 (prec 2).
    fw = 0.0
    for i in range(jz, -1, -1):
        fw += fq[i]
    y0 = fw if ih == 0 else -fw
    fw = fq[0] - fw
    for i in range(1, jz + 1):
        fw += fq[i]
    y1 = fw if ih == 0 else -fw
    return n & 7, y0, y1


def _rem_pio2(x: float) -> tuple[int, float, float]:
    """(n, y0, y1) with x - n*pi/2 = y0 + y1 for finite |x| > pi/4 (__ieee754_rem_pio2)."""
    lo, hx = _unpack_words(_pack_double(x))
    ix = hx & 0x7FFFFFFF
    if ix < 0x4002D97C:  # |x| < 3pi/4: n = ±1
        if hx > 0:
            z = x - _PIO2_1
            if ix != 0x3FF921FB:  # 33+53 bits of pi are enough
                y0 = z - _PIO2_1T
                return 1, y0, (z - y0) - _PIO2_1T
            z -= _PIO2_2  # near pi/2: use 33+33+53 bits
            y0 = z - _PIO2_2T
            return 1, y0, (z - y0) - _PIO2_2T
        z = x + _PIO2_1
        if ix != 0x3FF921FB:
            y0 = z + _PIO2_1T
            return -1, y0, (z - y0) + _PIO2_1T
        z += _PIO2_2
        y0 = z + _PIO2_2T
        return -1, y0, (z - y0) + _PIO2_2T

    if ix <= 0x413921FB:  # |x| <= 2^19 * pi/2: medium size
        t = abs(x)
        n = int(t * _INVPIO2 + 0.5)
        fn = float(n)
        r = t - fn * _PIO2_1
        w = fn * _PIO2_1T  # first round, good to 85 bits
        y0 = r - w
        if n >= 32 or ix == _NPIO2_HW[n - 1]:
            # Cancellation is possible: check how many exponent bits were lost.
            j = ix >> 20
            i = j - ((_high(y0) >> 20) & 0x7FF)
            if i > 16:  # second round, good to 118 bits
                t = r
                w = fn * _PIO2_2
                r = t - w
                w = fn * _PIO2_2T - ((t - r) - w)
                y0 = r - w
                i = j - ((_high(y0) >> 20) & 0x7FF)
                if i > 49:  # third round, 151 bits: covers every case
                    t = r
                    w = fn * _PIO2_3
                    r = t - w
                    w = fn * _PIO2_3T - ((t - r) - w)
                    y0 = r - w
        y1 = (r - y0) - w
        if hx < 0:
            return -n, -y0, -y1
        return n, y0, y1

    # Large |x|: cut |x| * 2**-e0 into three 24-bit integers, reduce in multi-precision.
    e0 = (ix >> 20) - 1046  # ilogb(x) - 23
    z = _from_words(ix - (e0 << 20), lo)
    tx0 = float(int(z))
    z = (z - tx0) * _TWO24
    tx1 = float(int(z))
    tx2 = (z - tx1) * _TWO24
    if tx2 != 0.0:
        tx = [tx0, tx1, tx2]
    elif tx1 != 0.0:
        tx = [tx0, tx1]
    else:
        tx = [tx0]
    n, y0, y1 = _kernel_rem_pio2(tx, e0)
    if hx < 0:
        return -n, -y0, -y1
    return n, y0, y1


# ## Kernels on [-pi/4, pi/4]; y is the tail of x

_S1 = _h("-0x1.5555555555549p-3")
_S2 = _h("0x1.111111110f8a6p-7")
_S3 = _h("-0x1.a01a019c161d5p-13")
_S4 = _h("0x1.71de357b1fe7dp-19")
_S5 = _h("-0x1.ae5e68a2b9cebp-26")
_S6 = _h("0x1.5d93a5acfd57cp-33")


def _kernel_sin(x: float, y: float, iy: int) -> float:
    """sin(x + y) for |x| <= pi/4; iy = 0 means y is 0 (__kernel_sin)."""
    if _high(x) & 0x7FFFFFFF < 0x3E400000:  # |x| < 2**-27: sin x = x
        return x
    z = x * x
    v = z * x
    r = _S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * _S6)))
    if iy == 0:
        return x + v * (_S1 + z * r)
    return x - ((z * (0.5 * y - v * r) - y) - v * _S1)


_C1 = _h("0x1.555555555554cp-5")
_C2 = _h("-0x1.6c16c16c15177p-10")
_C3 = _h("0x1.a01a019cb1590p-16")
_C4 = _h("-0x1.27e4f809c52adp-22")
_C5 = _h("0x1.1ee9ebdb4b1c4p-29")
_C6 = _h("-0x1.8fae9be8838d4p-37")


def _kernel_cos(x: float, y: float) -> float:
    """cos(x + y) for |x| <= pi/4 (__kernel_cos)."""
    ix = _high(x) & 0x7FFFFFFF
    if ix < 0x3E400000:  # |x| < 2**-27: cos x = 1
        return 1.0
    z = x * x
    r = z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * _C6)))))
    if ix < 0x3FD33333:  # |x| < 0.3
        return 1.0 - (0.5 * z - (z * r - x * y))
    # Subtract qx ~ x/4 from both 1 and x*x/2 first, so the last subtraction loses less.
    qx = 0.28125 if ix > 0x3FE90000 else _from_words(ix - 0x00200000, 0)
    iz = 0.5 * z - qx
    a = 1.0 - qx
    return a - (iz - (z * r - x * y))


_T = (
    _h("0x1.5555555555563p-2"),
    _h("0x1.111111110fe7ap-3"),
    _h("0x1.ba1ba1bb341fep-5"),
    _h("0x1.664f48406d637p-6"),
    _h("0x1.226e3e96e8493p-7"),
    _h("0x1.d6d22c9560328p-9"),
    _h("0x1.7dbc8fee08315p-10"),
    _h("0x1.344d8f2f26501p-11"),
    _h("0x1.026f71a8d1068p-12"),
    _h("0x1.47e88a03792a6p-14"),
    _h("0x1.2b80f32f0a7e9p-14"),
    _h("-0x1.375cbdb605373p-16"),
    _h("0x1.b2a7074bf7ad4p-16"),
)
_T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7, _T8, _T9, _T10, _T11, _T12 = _T
_PIO4 = _h("0x1.921fb54442d18p-1")
_PIO4LO = _h("0x1.1a62633145c07p-55")


def _minus_inverse(w: float, x: float, r: float) -> float:
    """-1/w, where w = x + r, to near full precision by one correction step."""
    z = _clear_low(w)
    v = r - (z - x)  # z + v = r + x exactly
    t = a = -1.0 / w
    t = _clear_low(t)
    s = 1.0 + t * z
    return t + a * (s + t * v)


def _kernel_tan(x: float, y: float, iy: int) -> float:
    """tan(x + y) if iy = 1, else -1/tan(x + y), for |x| <= pi/4 (__kernel_tan)."""
    lo, hx = _unpack_words(_pack_double(x))
    ix = hx & 0x7FFFFFFF
    if ix < 0x3E300000:  # |x| < 2**-28
        if (ix | lo) == 0 and iy == -1:
            return _INF  # 1/|x| for x = ±0
        if iy == 1:
            return x
        return _minus_inverse(x + y, x, y)
    big = ix >= 0x3FE59428  # |x| >= 0.6744: use tan(pi/4 - x) instead
    if big:
        if hx < 0:
            x = -x
            y = -y
        z = _PIO4 - x
        w = _PIO4LO - y
        x = z + w
        y = 0.0
    z = x * x
    w = z * z
    # x^5 * (T1 + x^2*T2 + ...) split into odd and even powers of x^4.
    r = _T1 + w * (_T3 + w * (_T5 + w * (_T7 + w * (_T9 + w * _T11))))
    v = z * (_T2 + w * (_T4 + w * (_T6 + w * (_T8 + w * (_T10 + w * _T12)))))
    s = z * x
    r = y + z * (s * (r + v) + y)
    r += _T0 * s
    w = x + r
    if big:
        v = float(iy)
        t = v - 2.0 * (x - (w * w / (w + v) - r))
        return -t if hx < 0 else t
    if iy == 1:
        return w
    return _minus_inverse(w, x, r)


# ## sin, cos, tan


def sin(x: float) -> float:
    """Math.sin(x)."""
    ix = _high(x) & 0x7FFFFFFF
    if ix <= 0x3FE921FB:  # |x| <= pi/4
        return _kernel_sin(x, 0.0, 0)
    if ix >= 0x7FF00000:  # Infinity or NaN
        return _NAN
    n, y0, y1 = _rem_pio2(x)
    n &= 3
    if n == 0:
        return _kernel_sin(y0, y1, 1)
    if n == 1:
        return _kernel_cos(y0, y1)
    if n == 2:
        return -_kernel_sin(y0, y1, 1)
    return -_kernel_cos(y0, y1)


def cos(x: float) -> float:
    """Math.cos(x)."""
    ix = _high(x) & 0x7FFFFFFF
    if ix <= 0x3FE921FB:
        return _kernel_cos(x, 0.0)
    if ix >= 0x7FF00000:
        return _NAN
    n, y0, y1 = _rem_pio2(x)
    n &= 3
    if n == 0:
        return _kernel_cos(y0, y1)
    if n == 1:
        return -_kernel_sin(y0, y1, 1)
    if n == 2:
        return -_kernel_cos(y0, y1)
    return _kernel_sin(y0, y1, 1)


def tan(x: float) -> float:
    """Math.tan(x)."""
    ix = _high(x) & 0x7FFFFFFF
    if ix <= 0x3FE921FB:
        return _kernel_tan(x, 0.0, 1)
    if ix >= 0x7FF00000:
        return _NAN
    n, y0, y1 = _rem_pio2(x)
    return _kernel_tan(y0, y1, 1 - ((n & 1) << 1))  # odd n: -1/tan


# ## asin, acos: rational approximation R(z) of (asin(x) - x)/x^3

_PIO2_HI = _h("0x1.921fb54442d18p+0")
_PIO2_LO = _h("0x1.1a62633145c07p-54")
_PIO4_HI = _h("0x1.921fb54442d18p-1")
_PI = _h("0x1.921fb54442d18p+1")
_PS0 = _h("0x1.5555555555555p-3")
_PS1 = _h("-0x1.4d61203eb6f7dp-2")
_PS2 = _h("0x1.9c1550e884455p-3")
_PS3 = _h("-0x1.48228b5688f3bp-5")
_PS4 = _h("0x1.9efe07501b288p-11")
_PS5 = _h("0x1.23de10dfdf709p-15")
_QS1 = _h("-0x1.33a271c8a2d4bp+1")
_QS2 = _h("0x1.02ae59c598ac8p+1")
_QS3 = _h("-0x1.6066c1b8d0159p-1")
_QS4 = _h("0x1.3b8c5b12e9282p-4")


def asin(x: float) -> float:
    """Math.asin(x)."""
    lo, hx = _unpack_words(_pack_double(x))
    ix = hx & 0x7FFFFFFF
    if ix >= 0x3FF00000:  # |x| >= 1, or NaN
        if ix == 0x3FF00000 and lo == 0:
            return x * _PIO2_HI + x * _PIO2_LO  # asin(±1) = ±pi/2
        return _NAN
    if ix < 0x3FE00000:  # |x| < 0.5
        if ix < 0x3E400000:  # |x| < 2**-27: asin x = x
            return x
        t = x * x
        p = t * (_PS0 + t * (_PS1 + t * (_PS2 + t * (_PS3 + t * (_PS4 + t * _PS5)))))
        q = 1.0 + t * (_QS1 + t * (_QS2 + t * (_QS3 + t * _QS4)))
        return x + x * (p / q)
    # 0.5 <= |x| < 1: asin(x) = pi/2 - 2*asin(sqrt((1 - |x|)/2))
    t = (1.0 - abs(x)) * 0.5
    p = t * (_PS0 + t * (_PS1 + t * (_PS2 + t * (_PS3 + t * (_PS4 + t * _PS5)))))
    q = 1.0 + t * (_QS1 + t * (_QS2 + t * (_QS3 + t * _QS4)))
    s = math.sqrt(t)
    if ix >= 0x3FEF3333:  # |x| > 0.975
        t = _PIO2_HI - (2.0 * (s + s * (p / q)) - _PIO2_LO)
    else:
        # Split sqrt into a short head w and a correction c, so 2w is exact.
        w = _clear_low(s)
        c = (t - w * w) / (s + w)
        p = 2.0 * s * (p / q) - (_PIO2_LO - 2.0 * c)
        q = _PIO4_HI - 2.0 * w
        t = _PIO4_HI - (p - q)
    return t if hx > 0 else -t


def acos(x: float) -> float:
    """Math.acos(x)."""
    lo, hx = _unpack_words(_pack_double(x))
    ix = hx & 0x7FFFFFFF
    if ix >= 0x3FF00000:  # |x| >= 1, or NaN
        if ix == 0x3FF00000 and lo == 0:
            return 0.0 if hx > 0 else _PI + 2.0 * _PIO2_LO
        return _NAN
    if ix < 0x3FE00000:  # |x| < 0.5
        if ix <= 0x3C600000:  # |x| < 2**-57
            return _PIO2_HI + _PIO2_LO
        z = x * x
        p = z * (_PS0 + z * (_PS1 + z * (_PS2 + z * (_PS3 + z * (_PS4 + z * _PS5)))))
        q = 1.0 + z * (_QS1 + z * (_QS2 + z * (_QS3 + z * _QS4)))
        return _PIO2_HI - (x - (_PIO2_LO - x * (p / q)))
    if hx < 0:  # x <= -0.5: acos(x) = pi - 2*asin(sqrt((1 + x)/2))
        z = (1.0 + x) * 0.5
        p = z * (_PS0 + z * (_PS1 + z * (_PS2 + z * (_PS3 + z * (_PS4 + z * _PS5)))))
        q = 1.0 + z * (_QS1 + z * (_QS2 + z * (_QS3 + z * _QS4)))
        s = math.sqrt(z)
        w = (p / q) * s - _PIO2_LO
        return _PI - 2.0 * (s + w)
    # x >= 0.5: acos(x) = 2*asin(sqrt((1 - x)/2)), with sqrt split into head df + tail c
    z = (1.0 - x) * 0.5
    s = math.sqrt(z)
    df = _clear_low(s)
    c = (z - df * df) / (s + df)
    p = z * (_PS0 + z * (_PS1 + z * (_PS2 + z * (_PS3 + z * (_PS4 + z * _PS5)))))
    q = 1.0 + z * (_QS1 + z * (_QS2 + z * (_QS3 + z * _QS4)))
    w = (p / q) * s + c
    return 2.0 * (df + w)


# ## atan, atan2

_ATANHI = (
    _h("0x1.dac670561bb4fp-2"),  # atan(0.5)
    _h("0x1.921fb54442d18p-1"),  # atan(1)
    _h("0x1.f730bd281f69bp-1"),  # atan(1.5)
    _h("0x1.921fb54442d18p+0"),  # atan(inf)
)
_ATANLO = (
    _h("0x1.a2b7f222f65e2p-56"),
    _h("0x1.1a62633145c07p-55"),
    _h("0x1.007887af0cbbdp-56"),
    _h("0x1.1a62633145c07p-54"),
)
_AT0 = _h("0x1.555555555550dp-2")
_AT1 = _h("-0x1.999999998ebc4p-3")
_AT2 = _h("0x1.24924920083ffp-3")
_AT3 = _h("-0x1.c71c6fe231671p-4")
_AT4 = _h("0x1.745cdc54c206ep-4")
_AT5 = _h("-0x1.3b0f2af749a6dp-4")
_AT6 = _h("0x1.10d66a0d03d51p-4")
_AT7 = _h("-0x1.dde2d52defd9ap-5")
_AT8 = _h("0x1.97b4b24760debp-5")
_AT9 = _h("-0x1.2b4442c6a6c2fp-5")
_AT10 = _h("0x1.0ad3ae322da11p-6")


def atan(x: float) -> float:
    """Math.atan(x)."""
    hx = _high(x)
    ix = hx & 0x7FFFFFFF
    if ix >= 0x44100000:  # |x| >= 2**66, Infinity or NaN
        if x != x:
            return _NAN
        return _ATANHI[3] + _ATANLO[3] if hx > 0 else -_ATANHI[3] - _ATANLO[3]
    if ix < 0x3FDC0000:  # |x| < 0.4375
        if ix < 0x3E400000:  # |x| < 2**-27: atan x = x
            return x
        k = -1
    else:
        # Reduce with atan(x) = atan(c) + atan((x - c)/(1 + x*c)) for c = 0.5, 1, 1.5, inf.
        x = abs(x)
        if ix < 0x3FF30000:  # |x| < 1.1875
            if ix < 0x3FE60000:  # 7/16 <= |x| < 11/16
                k = 0
                x = (2.0 * x - 1.0) / (2.0 + x)
            else:  # 11/16 <= |x| < 19/16
                k = 1
                x = (x - 1.0) / (x + 1.0)
        elif ix < 0x40038000:  # |x| < 2.4375
            k = 2
            x = (x - 1.5) / (1.0 + 1.5 * x)
        else:  # 2.4375 <= |x| < 2**66
            k = 3
            x = -1.0 / x
    z = x * x
    w = z * z
    # The odd polynomial's terms, split into even and odd powers of z.
    s1 = z * (_AT0 + w * (_AT2 + w * (_AT4 + w * (_AT6 + w * (_AT8 + w * _AT10)))))
    s2 = w * (_AT1 + w * (_AT3 + w * (_AT5 + w * (_AT7 + w * _AT9))))
    if k < 0:
        return x - x * (s1 + s2)
    z = _ATANHI[k] - ((x * (s1 + s2) - _ATANLO[k]) - x)
    return -z if hx < 0 else z


_PI_O_4 = _h("0x1.921fb54442d18p-1")
_PI_O_2 = _h("0x1.921fb54442d18p+0")
_PI_LO = _h("0x1.1a62633145c07p-53")


def atan2(y: float, x: float) -> float:
    """Math.atan2(y, x): the angle of the point (x, y)."""
    if x != x or y != y:
        return _NAN
    lx, hx = _unpack_words(_pack_double(x))
    ly, hy = _unpack_words(_pack_double(y))
    ix = hx & 0x7FFFFFFF
    iy = hy & 0x7FFFFFFF
    if hx == 0x3FF00000 and lx == 0:  # x = 1
        return atan(y)
    m = (1 if hy < 0 else 0) | (2 if hx < 0 else 0)  # 2*sign(x) + sign(y)

    if (iy | ly) == 0:  # y = ±0
        if m <= 1:
            return y
        return _PI if m == 2 else -_PI
    if (ix | lx) == 0:  # x = ±0
        return -_PI_O_2 if hy < 0 else _PI_O_2
    if ix == 0x7FF00000:  # x = ±Infinity
        if iy == 0x7FF00000:
            return (_PI_O_4, -_PI_O_4, 3.0 * _PI_O_4, -3.0 * _PI_O_4)[m]
        return (0.0, -0.0, _PI, -_PI)[m]
    if iy == 0x7FF00000:  # y = ±Infinity
        return -_PI_O_2 if hy < 0 else _PI_O_2

    k = (iy - ix) >> 20
    if k > 60:  # |y/x| > 2**60
        z = _PI_O_2 + 0.5 * _PI_LO
        m &= 1
    elif hx < 0 and k < -60:  # |y|/x > -2**-60
        z = 0.0
    else:
        z = atan(abs(y / x))
    if m == 0:
        return z
    if m == 1:
        return -z
    if m == 2:
        return _PI - (z - _PI_LO)
    return (z - _PI_LO) - _PI


# ## exp, log

_O_THRESHOLD = _h("0x1.62e42fefa39efp+9")  # above this exp overflows
_U_THRESHOLD = _h("-0x1.74910d52d3051p+9")  # below this exp underflows to 0
_LN2_HI = _h("0x1.62e42fee00000p-1")  # k*LN2_HI is exact for |k| < 2000
_LN2_LO = _h("0x1.a39ef35793c76p-33")
_INVLN2 = _h("0x1.71547652b82fep+0")
_P1 = _h("0x1.555555555553ep-3")
_P2 = _h("-0x1.6c16c16bebd93p-9")
_P3 = _h("0x1.1566aaf25de2cp-14")
_P4 = _h("-0x1.bbd41c5d26bf1p-20")
_P5 = _h("0x1.6376972bea4d0p-25")
_E = _h("0x1.5bf0a8b145769p+1")
_TWOM1000 = _h("0x1p-1000")
_TWO1023 = _h("0x1p1023")


def exp(x: float) -> float:
    """Math.exp(x)."""
    lo, hx = _unpack_words(_pack_double(x))
    negative = hx < 0
    hx &= 0x7FFFFFFF

    if hx >= 0x40862E42:  # |x| >= 709.78, Infinity or NaN
        if hx >= 0x7FF00000:
            if ((hx & 0xFFFFF) | lo) != 0:
                return _NAN
            return 0.0 if negative else x
        if x > _O_THRESHOLD:
            return _INF
        if x < _U_THRESHOLD:
            return 0.0

    # Reduce: x = k*ln2 + r with |r| <= ln2/2, r held as hi - lo.
    if hx > 0x3FD62E42:  # |x| > ln2/2
        if hx < 0x3FF0A2B2:  # and |x| < 1.5 ln2: k = ±1
            if x == 1.0:
                return _E  # V8 special-cases e, which the formula misses by 1 ulp
            if negative:
                hi = x + _LN2_HI
                lo_part = -_LN2_LO
                k = -1
            else:
                hi = x - _LN2_HI
                lo_part = _LN2_LO
                k = 1
        else:
            k = int(_INVLN2 * x + (-0.5 if negative else 0.5))
            t = float(k)
            hi = x - t * _LN2_HI
            lo_part = t * _LN2_LO
        x = hi - lo_part
    elif hx < 0x3E300000:  # |x| < 2**-28
        return 1.0 + x
    else:
        k = 0

    # exp(r) = 1 + r + r*c/(2 - c), c = r - r^2 * P(r^2), then scale by 2**k.
    t = x * x
    c = x - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    if k == 0:
        return 1.0 - ((x * c) / (c - 2.0) - x)
    y = 1.0 - ((lo_part - (x * c) / (2.0 - c)) - hi)
    if k >= -1021:
        if k == 1024:
            return y * 2.0 * _TWO1023
        return y * _from_words(0x3FF00000 + (k << 20), 0)
    return y * _from_words(0x3FF00000 + ((k + 1000) << 20), 0) * _TWOM1000


_TWO54 = _h("0x1p54")
_LG1 = _h("0x1.5555555555593p-1")
_LG2 = _h("0x1.999999997fa04p-2")
_LG3 = _h("0x1.2492494229359p-2")
_LG4 = _h("0x1.c71c51d8e78afp-3")
_LG5 = _h("0x1.7466496cb03dep-3")
_LG6 = _h("0x1.39a09d078c69fp-3")
_LG7 = _h("0x1.2f112df3e5244p-3")


def log(x: float) -> float:
    """Math.log(x), the natural logarithm."""
    lo, hx = _unpack_words(_pack_double(x))
    k = 0
    if hx < 0x00100000:  # x < 2**-1022: zero, negative or subnormal
        if ((hx & 0x7FFFFFFF) | lo) == 0:
            return -_INF  # log(±0)
        if hx < 0:
            return _NAN  # log of a negative (or of a NaN with its sign bit set)
        k -= 54
        x *= _TWO54  # scale a subnormal up
        hx = _high(x)
    if hx >= 0x7FF00000:
        return x + x  # Infinity or NaN
    # x = 2**k * (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2)
    k += (hx >> 20) - 1023
    hx &= 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    x = _from_words(hx | (i ^ 0x3FF00000), _unpack_words(_pack_double(x))[0])
    k += i >> 20
    f = x - 1.0
    if (0x000FFFFF & (2 + hx)) < 3:  # -2**-20 <= f < 2**-20
        if f == 0.0:
            if k == 0:
                return 0.0
            dk = float(k)
            return dk * _LN2_HI + dk * _LN2_LO
        r = f * f * (0.5 - 0.33333333333333333 * f)
        if k == 0:
            return f - r
        dk = float(k)
        return dk * _LN2_HI - ((r - dk * _LN2_LO) - f)
    # log(1 + f) = 2s + s*R(s^2), s = f/(2 + f)
    s = f / (2.0 + f)
    dk = float(k)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    r = t2 + t1
    if (hx - 0x6147A) | (0x6B851 - hx) > 0:  # f not small: the more accurate form
        hfsq = 0.5 * f * f
        if k == 0:
            return f - (hfsq - s * (hfsq + r))
        return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    if k == 0:
        return f - s * (f - r)
    return dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)


# ## pow: log2(x) in extra precision, times y in pieces, then 2**(...)

_BP = (1.0, 1.5)
_DP_H = (0.0, _h("0x1.2b80340000000p-1"))  # log2(1.5) head
_DP_L = (0.0, _h("0x1.cfdeb43cfd006p-27"))  # log2(1.5) tail
_TWO53 = _h("0x1p53")
_L1 = _h("0x1.3333333333303p-1")
_L2 = _h("0x1.b6db6db6fabffp-2")
_L3 = _h("0x1.55555518f264dp-2")
_L4 = _h("0x1.17460a91d4101p-2")
_L5 = _h("0x1.d864a93c9db65p-3")
_L6 = _h("0x1.a7e284a454eefp-3")
_LN2 = _h("0x1.62e42fefa39efp-1")  # ln 2, then a short head and its tail
_LN2_H = _h("0x1.62e4300000000p-1")
_LN2_L = _h("-0x1.05c610ca86c39p-29")
_OVT = _h("0x1.71547652b82fep-54")  # -(1024 - log2(overflow + 0.5 ulp))
_CP = _h("0x1.ec709dc3a03fdp-1")  # 2/(3 ln 2)
_CP_H = _h("0x1.ec709e0000000p-1")
_CP_L = _h("-0x1.e2fe0145b01f5p-28")
_IVLN2 = _h("0x1.71547652b82fep+0")  # 1/ln 2
_IVLN2_H = _h("0x1.7154760000000p+0")
_IVLN2_L = _h("0x1.4ae0bf85ddf44p-26")


def _y_parity(iy: int, ly: int) -> int:
    """For |y| = (iy, ly): 0 if y is not an integer, 1 if odd, 2 if even."""
    if iy >= 0x43400000:  # |y| >= 2**53: even
        return 2
    if iy < 0x3FF00000:  # |y| < 1
        return 0
    k = (iy >> 20) - 0x3FF  # exponent
    if k > 20:
        j = ly >> (52 - k)
        return 2 - (j & 1) if (j << (52 - k)) == ly else 0
    if ly == 0:
        j = iy >> (20 - k)
        return 2 - (j & 1) if (j << (20 - k)) == iy else 0
    return 0


def _inverse(x: float) -> float:
    """1/x with IEEE division by zero (Python would raise)."""
    if x == 0.0:
        return math.copysign(_INF, x)
    return 1.0 / x


def pow(x: float, y: float) -> float:
    """Math.pow(x, y), also JS's x ** y."""
    lx, hx = _unpack_words(_pack_double(x))
    ly, hy = _unpack_words(_pack_double(y))
    ix = hx & 0x7FFFFFFF
    iy = hy & 0x7FFFFFFF

    if (iy | ly) == 0:
        return 1.0  # x ** ±0 is 1, even for NaN
    if x != x or y != y:
        return _NAN  # unlike C, 1 ** NaN is NaN too

    yisint = _y_parity(iy, ly) if hx < 0 else 0

    # Special values of y.
    if ly == 0:
        if iy == 0x7FF00000:  # y = ±Infinity
            if ix == 0x3FF00000 and lx == 0:
                return _NAN  # (±1) ** ±Infinity is NaN in JS
            if ix >= 0x3FF00000:  # |x| > 1
                return y if hy >= 0 else 0.0
            return -y if hy < 0 else 0.0  # |x| < 1
        if iy == 0x3FF00000:  # y = ±1
            return _inverse(x) if hy < 0 else x
        if hy == 0x40000000:  # y = 2
            return x * x
        if hy == 0x3FE00000 and hx >= 0:  # y = 0.5, x >= +0
            return math.sqrt(x)

    ax = abs(x)
    # Special values of x: ±0, ±Infinity, ±1.
    if lx == 0 and (ix == 0x7FF00000 or ix == 0 or ix == 0x3FF00000):
        z = _inverse(ax) if hy < 0 else ax
        if hx < 0:
            if ix == 0x3FF00000 and yisint == 0:
                return _NAN  # (-1) ** non-integer
            if yisint == 1:
                return -z  # (x < 0) ** odd = -(|x| ** odd)
        return z

    if hx < 0 and yisint == 0:
        return _NAN  # (x < 0) ** non-integer
    s = -1.0 if hx < 0 and yisint == 1 else 1.0  # sign of the result

    if iy > 0x41E00000:  # |y| > 2**31
        if iy > 0x43F00000:  # |y| > 2**64: must overflow or underflow
            if ix <= 0x3FEFFFFF:
                return _INF if hy < 0 else 0.0
            return _INF if hy > 0 else 0.0  # ix >= 0x3FF00000 here
        # Over/underflow unless x is within 2**-20 of 1.
        if ix < 0x3FEFFFFF:
            return s * _INF if hy < 0 else s * 0.0
        if ix > 0x3FF00000:
            return s * _INF if hy > 0 else s * 0.0
        # |1 - x| <= 2**-20: log2(x) from the series of log(1 + t).
        t = ax - 1.0  # t has 20 trailing zeros
        w = (t * t) * (0.5 - t * (0.3333333333333333333333 - t * 0.25))
        u = _IVLN2_H * t  # IVLN2_H has 21 significant bits
        v = t * _IVLN2_L - w * _IVLN2
        t1 = _clear_low(u + v)
        t2 = v - (t1 - u)
    else:
        n = 0
        if ix < 0x00100000:  # subnormal x
            ax *= _TWO53
            n -= 53
            ix = _high(ax)
        n += (ix >> 20) - 0x3FF
        j = ix & 0x000FFFFF
        # Normalize the mantissa into [1, sqrt(3)): k picks 1 or 1.5 as the pivot.
        ix = j | 0x3FF00000
        if j <= 0x3988E:  # |x| < sqrt(3/2)
            k = 0
        elif j < 0xBB67A:  # |x| < sqrt(3)
            k = 1
        else:
            k = 0
            n += 1
            ix -= 0x00100000
        ax = _from_words(ix, _unpack_words(_pack_double(ax))[0])

        # ss = s_h + s_l = (x - 1)/(x + 1) or (x - 1.5)/(x + 1.5)
        bp = _BP[k]
        u = ax - bp
        v = 1.0 / (ax + bp)
        ss = u * v
        s_h = _clear_low(ss)
        t_h = _from_words(((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18), 0)  # ax + bp, high
        t_l = ax - (t_h - bp)
        s_l = v * ((u - s_h * t_h) - s_h * t_l)
        # log(ax) as ss*(2 + ...) split into head and tail.
        s2 = ss * ss
        r = s2 * s2 * (_L1 + s2 * (_L2 + s2 * (_L3 + s2 * (_L4 + s2 * (_L5 + s2 * _L6)))))
        r += s_l * (s_h + ss)
        s2 = s_h * s_h
        t_h = _clear_low(3.0 + s2 + r)
        t_l = r - ((t_h - 3.0) - s2)
        u = s_h * t_h
        v = s_l * t_h + t_l * ss
        # 2/(3 ln 2) * (ss + ...), so log2(ax) = n + dp_h + z_h + z_l.
        p_h = _clear_low(u + v)
        p_l = v - (p_h - u)
        z_h = _CP_H * p_h
        z_l = _CP_L * p_h + p_l * _CP + _DP_L[k]
        t = float(n)
        t1 = _clear_low(((z_h + z_l) + _DP_H[k]) + t)
        t2 = z_l - (((t1 - t) - _DP_H[k]) - z_h)

    # y * log2(x) = p_h + p_l, splitting y into y1 + (y - y1).
    y1 = _clear_low(y)
    p_l = (y - y1) * t1 + y * t2
    p_h = y1 * t1
    z = p_l + p_h
    i, j = _unpack_words(_pack_double(z))
    if j >= 0x40900000:  # z >= 1024
        if ((j - 0x40900000) | i) != 0 or p_l + _OVT > z - p_h:
            return s * _INF
    elif (j & 0x7FFFFFFF) >= 0x4090CC00 and (  # z <= -1075
        (j & 0xFFFFFFFF) != 0xC090CC00 or i != 0 or p_l <= z - p_h
    ):
        return s * 0.0

    # 2**(p_h + p_l) = 2**n * 2**r with |r| <= 0.5.
    i = j & 0x7FFFFFFF
    k = (i >> 20) - 0x3FF
    n = 0
    if i > 0x3FE00000:  # |z| > 0.5: n = nearest integer to z
        n = j + (0x00100000 >> (k + 1))
        k = ((n & 0x7FFFFFFF) >> 20) - 0x3FF  # new k for n
        t = _from_words(n & ~(0x000FFFFF >> k), 0)
        n = ((n & 0x000FFFFF) | 0x00100000) >> (20 - k)
        if j < 0:
            n = -n
        p_h -= t
    t = _clear_low(p_l + p_h)
    u = t * _LN2_H
    v = (p_l - (t - p_h)) * _LN2 + t * _LN2_L
    z = u + v
    w = v - (z - u)
    t = z * z
    t1 = z - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    r = (z * t1) / ((t1 - 2.0) - (w + z * w))
    z = 1.0 - (r - z)
    j = _high(z) + (n << 20)
    if (j >> 20) <= 0:
        return s * math.ldexp(z, n)  # subnormal result: one correct rounding, as scalbn
    return s * _from_words(j, _unpack_words(_pack_double(z))[0])


# ## sqrt: IEEE square root is correctly rounded everywhere, so math.sqrt is exact.


def sqrt(x: float) -> float:
    """Math.sqrt(x): NaN below zero, sqrt(-0) = -0."""
    if x < 0.0:
        return _NAN
    return math.sqrt(x)
