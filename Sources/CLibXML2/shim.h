#ifndef CASELOAD_CLIBXML2_SHIM_H
#define CASELOAD_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>

/* xmlFree is a C global function pointer, which Swift 6 refuses to call as a global. */
static inline void caseload_xmlFree(void *p) { xmlFree(p); }
#endif
