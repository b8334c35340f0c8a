// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the NDJSON reader (replay and watch read files and
 * sockets anyone could have written): any bytes parse or are refused, and
 * what parses goes through the model and the display sanitiser without a
 * crash, a leak or an out-of-bounds read (ASan and UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "ui/model.h"
#include "session/ndjson_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct model *m;
	static struct nd_line l;
	char err[128];
	struct strbuf sb;

	if (!m) {
		m = malloc(sizeof(*m));
		if (!m || model_init(m))
			abort();
	}
	if (nd_parse((const char *)data, size, &l, err, sizeof(err)))
		return 0;
	if (l.kind == ND_EVENT) {
		model_event(m, &l.ev, l.real_ns);
		sb_init(&sb);
		term_sanitize_mode(&sb, l.ev.path, l.ev.path_len > 0 ? (size_t)l.ev.path_len : 0, true);
		term_sanitize_mode(&sb, l.ev.comm, strnlen(l.ev.comm, sizeof(l.ev.comm)), false);
		sb_free(&sb);
	} else if (l.kind == ND_SUMMARY || l.kind == ND_TOTALS) {
		model_set_totals(m, l.kcount);
	}
	return 0;
}
