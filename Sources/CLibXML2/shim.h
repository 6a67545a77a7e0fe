#ifndef CASELOAD_CLIBXML2_SHIM_H
#define CASELOAD_CLIBXML2_SHIM_H
/* Debian builds libxml2 with ICU, whose headers clash with Foundation's own copy of ICU in one
 * Swift module graph. caseload never touches libxml2's encoding handlers (XML is read as UTF-8
 * only), so the ICU part of <libxml/encoding.h> is left out. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>

/* xmlFree is a C global function pointer, which Swift 6 refuses to call as a global. */
static inline void caseload_xmlFree(void *p) { xmlFree(p); }
#endif
