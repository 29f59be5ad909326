/** A module that cannot be loaded: the ensemble tests check the error that names it. */
throw new Error('this module fails on purpose');
