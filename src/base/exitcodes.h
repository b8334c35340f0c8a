/* SPDX-License-Identifier: GPL-2.0 */
/*
 * agentlock's own exit codes (docs/exit-codes.md). Otherwise agentlock exits
 * with COMMAND's status, or 128+N when COMMAND was killed by signal N.
 */
#ifndef AL_EXITCODES_H
#define AL_EXITCODES_H

enum {
	AL_EXIT_USAGE = 2,	    /* bad option, DIR or COMMAND; a bad profile or admin floor */
	AL_EXIT_NO_INPUT = 66,	    /* report, profile suggest: FILE cannot be read (sysexits' EX_NOINPUT) */
	AL_EXIT_SERVICE = 119,	    /* the agentlock service refused the cell, or went away during the run */
	AL_EXIT_NOT_ROOT = 120,	    /* needs root to load BPF */
	AL_EXIT_NO_BPF_LSM = 121,   /* BPF-LSM is not active or refused here */
	AL_EXIT_BPF = 122,	    /* the BPF object failed to load or attach */
	AL_EXIT_LAUNCH = 123,	    /* could not start COMMAND inside the cell */
	AL_EXIT_INTERNAL = 124,	    /* event pipeline or other internal failure */
	AL_EXIT_EXPORT = 125,	    /* --export: its destination is not there at start */
	AL_EXIT_CANNOT_EXEC = 126,  /* COMMAND exists but could not be executed */
	AL_EXIT_NOT_FOUND = 127,    /* COMMAND not found */
};

#endif
