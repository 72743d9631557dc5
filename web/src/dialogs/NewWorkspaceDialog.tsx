import { useEffect, useRef, useState } from "react";
import type { ProjectRuntimes } from "../../../src/api/runtimes";
import { call } from "../api/client";
import { errorMessage } from "../state/errors";
import { lastChoice } from "../state/lastChoice";
import { useStore } from "../state/store";
import type { RuntimeChoice } from "../state/types";
import { closeOverlay, openOverlay, selectWorkspace } from "../state/ui";
import { workspacesStore } from "../state/workspaces";
import { CoderFields, type CoderPick, coderChoice } from "./CoderFields";
import { DialogForm, InlineError, Modal } from "./Modal";

type RuntimeType = RuntimeChoice["type"];
const RUNTIMES: { type: RuntimeType; label: string; hint: string }[] = [
  { type: "worktree", label: "Worktree", hint: "Own git worktree and branch: isolated" },
  { type: "local", label: "Local", hint: "Works in the project directory itself" },
  { type: "ssh", label: "SSH", hint: "A worktree on a remote host" },
  { type: "docker", label: "Docker", hint: "Its own container on this machine" },
  { type: "devcontainer", label: "Dev container", hint: "A worktree in the project's .devcontainer" },
  { type: "coder", label: "Coder", hint: "A worktree in a Coder workspace" },
];

export function NewWorkspaceDialog({ projectPath: initialProject }: { projectPath?: string }) {
  const projects = useStore(workspacesStore, (s) => s.projects);
  const [project, setProject] = useState(initialProject ?? projects[0]?.path ?? "");
  const [name, setName] = useState("");
  // Typed by the user: a late suggestion must not overwrite it.
  const nameEdited = useRef(false);
  const [runtime, setRuntime] = useState<RuntimeType>("worktree");
  const [host, setHost] = useState("");
  // Empty: the project's default image (its .mux/docker.json's, else Settings → Runtimes').
  const [image, setImage] = useState("");
  // The dev container and default image the chosen project offers (null while asked).
  const [options, setOptions] = useState<ProjectRuntimes | null>(null);
  const [coder, setCoder] = useState<CoderPick>({ template: "" });
  const [branches, setBranches] = useState<{ trunk: string; branches: string[] } | null>(null);
  const [base, setBase] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!project && projects[0]) setProject(projects[0].path);
  }, [project, projects]);

  // Suggest a name and load branches for the chosen project.
  useEffect(() => {
    if (!project) return;
    let live = true;
    setBranches(null);
    setOptions(null);
    call((api) => api.runtimes.forProject({ path: project }))
      .then((r) => live && setOptions(r))
      .catch(() => {});
    call((api) => api.workspaces.suggestName({ projectPath: project }))
      .then((r) => live && !nameEdited.current && setName(r.name))
      .catch(() => {});
    call((api) => api.projects.branches({ path: project }))
      .then((r) => {
        if (!live) return;
        setBranches(r);
        setBase(r.trunk);
      })
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
    // Re-suggest only when the project changes.
  }, [project]);

  // A dev container is offered only by a project that has one.
  const offered = RUNTIMES.filter((r) => r.type !== "devcontainer" || options?.devcontainer);
  useEffect(() => {
    if (runtime === "devcontainer" && !options?.devcontainer) setRuntime("worktree");
  }, [runtime, options]);

  const submit = async () => {
    if (!project) return setError("Choose a project first.");
    if (runtime === "ssh" && !host.trim()) return setError("Enter the SSH host.");
    const coderPicked = runtime === "coder" ? coderChoice(coder) : null;
    if (coderPicked && "error" in coderPicked) return setError(coderPicked.error);
    if (runtime === "docker" && !image.trim() && options && !options.dockerImage && !options.dockerConfigError) {
      return setError("Enter an image: neither the project's .mux/docker.json nor Settings → Runtimes names a default one.");
    }
    setBusy(true);
    setError(null);
    const choice: RuntimeChoice =
      runtime === "ssh"
        ? { type: "ssh", host: host.trim() }
        : runtime === "docker"
          ? { type: "docker", image: image.trim() || undefined }
          : runtime === "devcontainer"
            ? { type: "devcontainer", configPath: options?.devcontainer ?? undefined }
            : (coderPicked ?? { type: runtime });
    try {
      const ws = await call((api) =>
        api.workspaces.create({
          projectPath: project,
          name: name.trim() || undefined,
          runtime: choice,
          base: runtime === "local" ? undefined : base || undefined,
          settings: lastChoice(),
        }),
      );
      closeOverlay();
      selectWorkspace(ws.id);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  if (projects.length === 0) {
    return (
      <Modal title="New workspace" testId="new-workspace-dialog" onClose={closeOverlay}>
        <div className="space-y-3 px-4 py-4">
          <p className="text-muted">Add a project (a git repository on the server's machine) first.</p>
          <button type="button" className="btn btn-primary" onClick={() => openOverlay({ kind: "add-project" })}>
            Add project…
          </button>
        </div>
      </Modal>
    );
  }

  const branchList = branches ? [branches.trunk, ...branches.branches.filter((b) => b !== branches.trunk)] : [];
  return (
    <Modal title="New workspace" testId="new-workspace-dialog" onClose={closeOverlay}>
      <DialogForm
        onSubmit={submit}
        footer={
          <>
            <button type="button" className="btn" onClick={closeOverlay}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" data-testid="new-workspace-submit" disabled={busy}>
              {busy ? "Creating…" : "Create workspace"}
            </button>
          </>
        }
      >
        <div>
          <label className="label" htmlFor="nw-project">
            Project
          </label>
          <select id="nw-project" className="input" data-testid="new-workspace-project" value={project} onChange={(e) => setProject(e.target.value)}>
            {projects.map((p) => (
              <option key={p.path} value={p.path}>
                {p.name} — {p.path}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="nw-name">
            Name (also the branch name)
          </label>
          <input
            id="nw-name"
            className="input font-mono"
            data-testid="new-workspace-name"
            value={name}
            data-autofocus
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => {
              setName(e.target.value);
              nameEdited.current = true;
            }}
          />
        </div>
        <fieldset>
          <legend className="label">Runtime</legend>
          <div className="grid grid-cols-2 gap-1.5 sm:grid-cols-3" role="radiogroup">
            {offered.map((r) => (
              <label
                key={r.type}
                title={r.hint}
                data-testid={`runtime-${r.type}`}
                className={`cursor-pointer rounded border px-2 py-1.5 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-1 has-[:focus-visible]:outline-accent ${runtime === r.type ? "border-accent bg-accent/10" : "border-line hover:bg-elev"}`}
              >
                <input type="radio" name="runtime" value={r.type} className="sr-only" checked={runtime === r.type} onChange={() => setRuntime(r.type)} />
                <span className="block font-medium">{r.label}</span>
                <span className="block text-[11px] text-muted">{r.hint}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {runtime === "ssh" && (
          <div>
            <label className="label" htmlFor="nw-host">
              SSH host
            </label>
            <input
              id="nw-host"
              className="input font-mono"
              data-testid="new-workspace-ssh-host"
              value={host}
              placeholder="user@devbox or a Host from ~/.ssh/config"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setHost(e.target.value)}
            />
          </div>
        )}
        {runtime === "docker" && (
          <div>
            <label className="label" htmlFor="nw-image">
              Image
            </label>
            <input
              id="nw-image"
              className="input font-mono"
              data-testid="new-workspace-docker-image"
              value={image}
              placeholder={
                options?.dockerImage
                  ? `empty: ${options.dockerImage.image} (${options.dockerImage.from === "project" ? "from .mux/docker.json" : "the default in Settings"})`
                  : options
                    ? "e.g. node:20 (no default in .mux/docker.json or Settings)"
                    : "e.g. node:20"
              }
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setImage(e.target.value)}
            />
            {options?.dockerConfigError && (
              <p className="mt-1 text-[12px] text-warn" data-testid="new-workspace-docker-config-error">
                {options.dockerConfigError}
              </p>
            )}
          </div>
        )}
        {runtime === "devcontainer" && options?.devcontainer && (
          <p className="text-[12px] text-muted" data-testid="new-workspace-devcontainer">
            A new worktree, opened in the container <span className="font-mono">{options.devcontainer}</span> describes (built by the Dev Containers CLI the
            first time; its postCreateCommand runs there).
          </p>
        )}
        {runtime === "coder" && <CoderFields value={coder} onChange={setCoder} />}
        {runtime !== "local" ? (
          <div>
            <label className="label" htmlFor="nw-base">
              Base branch
            </label>
            <select
              id="nw-base"
              className="input font-mono"
              data-testid="new-workspace-base"
              value={base}
              disabled={!branches}
              onChange={(e) => setBase(e.target.value)}
            >
              {!branches && <option value="">Loading branches…</option>}
              {branchList.map((b) => (
                <option key={b} value={b}>
                  {b}
                  {b === branches?.trunk ? " (trunk)" : ""}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <p className="rounded border border-warn/40 bg-warn/10 px-2 py-1.5 text-[12px] text-warn">
            A local workspace edits the project directory directly; other local workspaces of this project share its files.
          </p>
        )}
        <InlineError message={error} />
      </DialogForm>
    </Modal>
  );
}
