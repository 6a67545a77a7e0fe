#ifndef CASELOAD_CXLSXWRITER_SHIM_H
#define CASELOAD_CXLSXWRITER_SHIM_H
/* libxlsxwriter (Debian's libxlsxwriter-dev): report.xlsx is written with it (Emit/Workbook.swift). */
#include <xlsxwriter.h>
#endif
