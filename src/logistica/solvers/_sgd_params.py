"""The calling convention of the compiled SGD epoch (:mod:`._sgd_kernels`), without numba.

Loss codes, schedule names and the slots of the ``params`` vector, so the solver
can prepare a call (and ``import logistica`` can register it) before the compiled
module, and numba with it, is imported on the first SGD epoch.
"""

__all__ = [
    "BINOMIAL",
    "FOCAL",
    "MULTINOMIAL",
    "N_PARAMS",
    "P_ADAM",
    "P_AVERAGE_START",
    "P_BATCH_SIZE",
    "P_BETA1",
    "P_BETA2",
    "P_CENTERED",
    "P_EPOCH_SAMPLES",
    "P_EPSILON",
    "P_GAMMA",
    "P_HORIZON",
    "P_MOMENTUM",
    "P_NESTEROV",
    "P_POWER_T",
    "P_RATE",
    "P_SCHEDULE",
    "P_STEP_EPOCHS",
    "P_STEP_GAMMA",
    "P_TOTAL_WEIGHT",
    "P_WARMUP",
    "SCHEDULES",
]

BINOMIAL, MULTINOMIAL, FOCAL = 0, 1, 2
#: Codes of the learning-rate schedules, in the order of these names.
SCHEDULES = ("constant", "invscaling", "step", "cosine")

# Slots of the ``params`` vector of sgd_epoch_kernel.
(
    P_RATE,
    P_EPOCH_SAMPLES,
    P_SCHEDULE,
    P_POWER_T,
    P_STEP_EPOCHS,
    P_STEP_GAMMA,
    P_HORIZON,
    P_WARMUP,
    P_MOMENTUM,
    P_NESTEROV,
    P_ADAM,
    P_BETA1,
    P_BETA2,
    P_EPSILON,
    P_AVERAGE_START,
    P_BATCH_SIZE,
    P_TOTAL_WEIGHT,
    P_GAMMA,
    P_CENTERED,
) = range(19)
N_PARAMS = 19
