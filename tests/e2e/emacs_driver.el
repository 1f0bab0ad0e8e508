;;; emacs_driver.el --- drive the shipped editors/emacs/copydesk-eglot.el in batch mode  -*- lexical-binding: t; -*-
;; emacs --batch -l editors/emacs/copydesk-eglot.el -l emacs_driver.el  (--batch: no init file; Debian's
;; site-start puts elpa-eglot on the load-path)
;; env: COPYDESK_SERVER (tab-separated command), COPYDESK_DRAFT, COPYDESK_OUT (JSON written there)
(require 'json)
(require 'flymake)

(setq copydesk-command (split-string (getenv "COPYDESK_SERVER") "\t"))
(defvar copydesk-test--published 0)
(advice-add 'eglot-handle-notification :after
            (lambda (_server method &rest _)
              (when (eq method 'textDocument/publishDiagnostics)
                (setq copydesk-test--published (1+ copydesk-test--published)))))

;; With fastFirst (the server's default) the first publish of a version may lack
;; the findings that wait for the syntactic parse; the server follows the whole
;; set with copydesk/diagnosticsFinal (eglot ignores it, unknown, after this).
(defvar copydesk-test--final nil)
(advice-add 'eglot-handle-notification :after
            (lambda (_server method &rest params)
              (when (eq method 'copydesk/diagnosticsFinal)
                (setq copydesk-test--final (list (plist-get params :uri) (plist-get params :version)
                                                 copydesk-test--published)))))

(defvar copydesk-test--progress 0)  ; $/progress notifications and window/workDoneProgress/create requests
(advice-add 'eglot-handle-notification :after
            (lambda (_server method &rest _)
              (when (eq method '$/progress) (setq copydesk-test--progress (1+ copydesk-test--progress)))))
(advice-add 'eglot-handle-request :before
            (lambda (_server method &rest _)
              (when (eq method 'window/workDoneProgress/create)
                (setq copydesk-test--progress (1+ copydesk-test--progress)))))

(defun copydesk-test--wait (pred seconds)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (funcall pred)))

(find-file (getenv "COPYDESK_DRAFT"))  ; the mode hook calls eglot-ensure (copydesk-auto-start)
;; eglot-ensure connects after the next command; batch mode runs no commands.
(run-hooks 'post-command-hook)
(let* ((started (copydesk-test--wait (lambda () (eglot-current-server)) 30))
       (final (copydesk-test--wait (lambda () copydesk-test--final) 60))
       (mode (symbol-name major-mode))
       diags)
  (flymake-start)
  (copydesk-test--wait (lambda () (flymake-diagnostics)) 5)
  (setq diags
        (mapcar (lambda (d)
                  (let ((beg (flymake-diagnostic-beg d)) (end (flymake-diagnostic-end d)))
                    (save-excursion
                      (goto-char beg)
                      `((line . ,(line-number-at-pos beg))
                        (column . ,(1+ (- beg (line-beginning-position))))
                        (text . ,(buffer-substring-no-properties beg end))
                        (type . ,(symbol-name (flymake-diagnostic-type d)))
                        (message . ,(flymake-diagnostic-text d))))))
                (flymake-diagnostics)))
  (with-temp-file (getenv "COPYDESK_OUT")
    (insert (json-encode `((mode . ,mode)
                           (server . ,(and started t))
                           (published . ,copydesk-test--published)
                           (final . ,(and final (vconcat copydesk-test--final)))
                           (progress . ,copydesk-test--progress)
                           (diagnostics . ,(vconcat diags))))))
  (ignore-errors (eglot-shutdown (eglot-current-server))))
(kill-emacs 0)
