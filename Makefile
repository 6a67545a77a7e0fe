# caseload: the nightly caseload pipeline of IOM Indonesia.
# `make` alone lists the targets.

SWIFT        ?= swift
BIN_DEBUG    := .build/debug/caseload
BIN_RELEASE  := .build/release/caseload
SEED         ?= 2012
SHELL        := /bin/bash
APT_INSTALL  := DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends

.DEFAULT_GOAL := help
.PHONY: help deps test-deps build release run test check-xsd format format-check golden sample schemas docs bench screenshots iso-codes fuzz fuzz-build test-sanitize clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: ## Install the system packages the build and the tests need (libxml2-dev, libxlsxwriter-dev, xmllint, chromium)
	@pkg-config --exists libxml-2.0 || { $(APT_INSTALL) libxml2-dev || { apt-get update && $(APT_INSTALL) libxml2-dev; }; }
	@pkg-config --exists xlsxwriter || { $(APT_INSTALL) libxlsxwriter-dev || { apt-get update && $(APT_INSTALL) libxlsxwriter-dev; }; }
	@command -v xmllint >/dev/null || { $(APT_INSTALL) libxml2-utils || { apt-get update && $(APT_INSTALL) libxml2-utils; }; }
	@command -v chromium >/dev/null || { $(APT_INSTALL) chromium || { apt-get update && $(APT_INSTALL) chromium; }; }

build: deps ## Debug build
	$(SWIFT) build

release: deps ## Optimised build
	$(SWIFT) build -c release

run: release ## Build and run the whole job on Input/, writing Output/
	@$(BIN_RELEASE) run --input Input --output Output; rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "caseload: reports written; some files or records were rejected (see Output/issues.csv)"; exit 0; fi; \
	exit $$rc

test: build check-xsd format-check test-deps ## Build and run every test (unit, end-to-end, hostile input, the warehouse on a throwaway PostgreSQL, xmllint, the format)
	scripts/pg-cluster.sh run $(SWIFT) test

test-deps: ## The real readers the tests use (pip): prometheus_client's text parser, openpyxl (report.xlsx), frictionless (datapackage.json)
	@python3 -c "import prometheus_client" 2>/dev/null || python3 -m pip install --quiet prometheus_client
	@python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install --quiet openpyxl
	@command -v frictionless >/dev/null && python3 -c "import frictionless" 2>/dev/null || python3 -m pip install --quiet frictionless

FORMATTED := Sources Tests Package.swift

format-check: ## The code follows .swift-format (swift-format ships with the toolchain)
	$(SWIFT) format lint --strict --configuration .swift-format --recursive --parallel $(FORMATTED)
	@echo "swift format: every file of $(FORMATTED) follows .swift-format"

format: ## Rewrite the code to follow .swift-format
	$(SWIFT) format format --configuration .swift-format --in-place --recursive --parallel $(FORMATTED)

golden: build ## Rewrite the expected outputs of the golden folders from the program (a reviewed change: read the diff)
	scripts/update-golden.sh $(BIN_DEBUG)

test-sanitize: deps test-deps ## Every test under AddressSanitizer (leaks included), then under ThreadSanitizer (parallel judging)
	$(SWIFT) build --build-tests --sanitize=address --build-path .build/asan
	CASELOAD_SANITIZED=address CASELOAD_BIN=.build/asan/debug/caseload LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan.supp \
	  scripts/pg-cluster.sh run $(SWIFT) test --sanitize=address --build-path .build/asan
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build/tsan
	CASELOAD_SANITIZED=thread CASELOAD_BIN=.build/tsan/debug/caseload TSAN_OPTIONS=halt_on_error=1 \
	  scripts/pg-cluster.sh run $(SWIFT) test --sanitize=thread --build-path .build/tsan

check-xsd: deps ## The sample's XML files pass xmllint with the published XSDs
	@set -e; for kind in detention shelter; do \
	  files=$$(find Input -name "$${kind}_*.xml" | sort); \
	  xmllint --noout --nonet --schema docs/schemas/$$kind.xsd $$files 2>/dev/null; \
	  echo "xmllint: $$(echo "$$files" | wc -l) $$kind XML files of Input/ valid against docs/schemas/$$kind.xsd"; \
	done

sample: build ## Regenerate the committed sample Input/ (seed $(SEED))
	rm -rf Input.new && $(BIN_DEBUG) synth --out Input.new --seed $(SEED) && rm -rf Input && mv Input.new Input

schemas: build ## Regenerate docs/schemas/*.xsd from the field lists
	$(BIN_DEBUG) schema detention > docs/schemas/detention.xsd
	$(BIN_DEBUG) schema shelter > docs/schemas/shelter.xsd

screenshots: run ## Render the sample's 2012-03 report (headless Chromium) and the workbook's Summary and Figures sheets (LibreOffice headless, then pdftoppm) into docs/
	unshare --net chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=$$(mktemp -d) \
	  --disable-background-networking --disable-component-update --host-resolver-rules="MAP * ~NOTFOUND" \
	  --hide-scrollbars --window-size=1280,900 --screenshot=docs/report.png file://$(CURDIR)/Output/2012-03/report.html 2>/dev/null
	@command -v soffice >/dev/null || { $(APT_INSTALL) libreoffice-calc-nogui || { apt-get update && $(APT_INSTALL) libreoffice-calc-nogui; }; }
	@command -v pdftoppm >/dev/null || { $(APT_INSTALL) poppler-utils || { apt-get update && $(APT_INSTALL) poppler-utils; }; }
	scripts/workbook-pictures.sh Output/2012-03/report.xlsx docs

docs: build ## Regenerate docs/validation.md from the code explanations
	python3 scripts/gen-validation-doc.py $(BIN_DEBUG)

bench: release ## Benchmark caseload run on about 25k, 250k and 1M generated records (inputs cached in Benchmarks/data/)
	python3 Benchmarks/bench.py $(SIZES)

FUZZ_SECONDS ?= 300
FUZZ_FLAGS   := -c release --build-path .build/fuzz -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld

fuzz-build: deps ## Build the libFuzzer targets (CSV reader, XML reader, judging of one file) with AddressSanitizer
	CASELOAD_FUZZ=1 $(SWIFT) build $(FUZZ_FLAGS) --product FuzzCSV
	CASELOAD_FUZZ=1 $(SWIFT) build $(FUZZ_FLAGS) --product FuzzXML
	CASELOAD_FUZZ=1 $(SWIFT) build $(FUZZ_FLAGS) --product FuzzJudge
	@echo "$$(git rev-parse --short HEAD)$$(git diff --quiet HEAD -- Sources Tests/Fuzz || echo +changes)" > .build/fuzz/built-from

fuzz: fuzz-build ## Fuzz each target for FUZZ_SECONDS (default 300); seeds in Tests/Fuzz/corpus, findings in .build/fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) Tests/Fuzz/run.sh

iso-codes: ## Regenerate the country and province lists from Debian's iso-codes
	python3 scripts/gen-iso.py

clean: ## Remove build products and Output/
	rm -rf .build Output
